import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { cpus, hostname, release, totalmem, type } from 'node:os';
import { join, relative, sep } from 'node:path';
import { isLockfileName, SKIPPED_FOLDERS } from '../../domain/capture/lockfiles.js';
import { readPythonState } from '../../sdk/capture/python-state.js';
import type { EnvironmentSpec } from '../../sdk/lineage.js';
import type { GpuInfo } from './gpu.js';

/** Lockfiles are looked for this deep below the working directory, and at most this many are kept. */
const LOCKFILE_DEPTH = 4;
const MAX_LOCKFILES = 50;

export interface Lockfile {
  /** Relative to the working directory, with forward slashes. */
  path: string;
  absolutePath: string;
  sha256: string;
  size: number;
}

export interface CapturedEnvironment {
  /** The content-addressed part, registered as the run's environment entity. */
  spec: EnvironmentSpec;
  lockfiles: Lockfile[];
  /** The variables named with `--env-var` that are set, with their values. */
  envVars: Record<string, string>;
  /** Everything captured, as stored beside the run in `environment/environment.json`. */
  document: Record<string, unknown>;
}

/**
 * What the command runs on: OS and kernel, CPU, memory, host, the Node and Python found, Python's installed packages
 * and the lockfiles in the working tree. Environment variables appear only when named, and the caller has already
 * refused names that look secret.
 */
export async function captureEnvironment(
  cwd: string,
  envVarNames: readonly string[],
  gpus: GpuInfo[] | undefined,
): Promise<CapturedEnvironment> {
  const { version: python, packages: listed } = await readPythonState(cwd);
  const packages = listed ?? {};
  const lockfiles = await findLockfiles(cwd);
  const cpuList = cpus();
  const hardware: Record<string, string | number> = {
    hostname: hostname(),
    cpuModel: cpuList[0]?.model.trim() || 'unknown',
    cpuCount: cpuList.length,
    memoryBytes: totalmem(),
    node: process.version,
    ...(python === null ? {} : { python }),
    ...(gpus
      ? { gpuModel: gpus[0]!.name, gpuCount: gpus.length, gpuMemoryMiB: gpus.reduce((s, g) => s + g.memoryTotalMiB, 0) }
      : {}),
  };
  const spec: EnvironmentSpec = {
    os: `${type()} ${release()}`,
    runtime: python === null ? `node ${process.version}` : `python ${python}`,
    packages,
    hardware,
    containerImageDigest: null,
  };
  const envVars = Object.fromEntries(
    envVarNames.filter((n) => process.env[n] !== undefined).map((n) => [n, process.env[n]!]),
  );
  const document = {
    os: type(),
    kernel: release(),
    ...hardware,
    packages,
    lockfiles: lockfiles.map(({ path, sha256, size }) => ({ path, sha256: `sha256:${sha256}`, size })),
    envVars,
  };
  return { spec, lockfiles, envVars, document };
}

async function findLockfiles(root: string): Promise<Lockfile[]> {
  const found: Lockfile[] = [];
  const walk = async (dir: string, depth: number): Promise<void> => {
    let entries: import('node:fs').Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (found.length >= MAX_LOCKFILES) return;
      const path = join(dir, entry.name);
      if (entry.isFile() && isLockfileName(entry.name)) {
        const bytes = await readFile(path);
        found.push({
          path: relative(root, path).split(sep).join('/'),
          absolutePath: path,
          sha256: createHash('sha256').update(bytes).digest('hex'),
          size: bytes.length,
        });
      } else if (entry.isDirectory() && depth < LOCKFILE_DEPTH && !SKIPPED_FOLDERS.has(entry.name)) {
        if (!entry.name.startsWith('.')) await walk(path, depth + 1);
      }
    }
  };
  await walk(root, 0);
  return found;
}
