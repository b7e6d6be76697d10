import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { cpus, hostname, release, totalmem, type } from 'node:os';
import { join, relative, sep } from 'node:path';
import { promisify } from 'node:util';
import { isLockfileName, parsePipList, SKIPPED_FOLDERS } from '../../domain/capture/lockfiles.js';
import type { EnvironmentSpec } from '../../sdk/lineage.js';
import type { GpuInfo } from './gpu.js';

const exec = promisify(execFile);
/** Lockfiles are looked for this deep below the working directory, and at most this many are kept. */
const LOCKFILE_DEPTH = 4;
const MAX_LOCKFILES = 50;
const PIP_TIMEOUT_MS = 60_000;

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
  const python = await findPython();
  const packages = python?.packages ?? {};
  const lockfiles = await findLockfiles(cwd);
  const cpuList = cpus();
  const hardware: Record<string, string | number> = {
    hostname: hostname(),
    cpuModel: cpuList[0]?.model.trim() || 'unknown',
    cpuCount: cpuList.length,
    memoryBytes: totalmem(),
    node: process.version,
    ...(python ? { python: python.version } : {}),
    ...(gpus
      ? { gpuModel: gpus[0]!.name, gpuCount: gpus.length, gpuMemoryMiB: gpus.reduce((s, g) => s + g.memoryTotalMiB, 0) }
      : {}),
  };
  const spec: EnvironmentSpec = {
    os: `${type()} ${release()}`,
    runtime: python ? `python ${python.version}` : `node ${process.version}`,
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

/** The Python on PATH: its version and installed packages (none when it has no way to list them). */
interface FoundPython {
  version: string;
  packages: Record<string, string>;
}

async function findPython(): Promise<FoundPython | undefined> {
  for (const command of ['python3', 'python']) {
    const found = (await describePython(command)) ?? (await describeOlderPython(command));
    if (found) return found;
  }
  return undefined;
}

/**
 * The version and installed distributions in one start of the interpreter: version managers put a shim in front of
 * it (pyenv's takes most of a second), so each start counts. The distributions are read through
 * `importlib.metadata` as pip itself does: the same list as `pip list` (the first of each name on `sys.path`),
 * without importing pip, which costs most of a second more. Printed in pip list's JSON shape so both roads share one
 * parser.
 */
const DESCRIBE_PYTHON = `
import json, platform, re
from importlib import metadata
seen = {}
for dist in metadata.distributions():
    name = dist.metadata["Name"]
    if not name:
        continue
    canonical = re.sub(r"[-_.]+", "-", name).lower()
    if canonical not in seen:
        seen[canonical] = {"name": name, "version": dist.version}
print(json.dumps({"version": platform.python_version(), "packages": list(seen.values())}))
`;

async function describePython(command: string): Promise<FoundPython | undefined> {
  try {
    const { stdout } = await exec(command, ['-c', DESCRIBE_PYTHON], {
      timeout: PIP_TIMEOUT_MS,
      maxBuffer: 32 * 1024 * 1024,
    });
    const described = JSON.parse(stdout) as { version?: unknown; packages?: unknown };
    if (typeof described.version !== 'string') return undefined;
    return { version: described.version, packages: parsePipList(JSON.stringify(described.packages)) };
  } catch {
    // Not installed under this name, or older than importlib.metadata (3.8).
    return undefined;
  }
}

/** An interpreter older than importlib.metadata: its version, and the packages pip lists (none without pip). */
async function describeOlderPython(command: string): Promise<FoundPython | undefined> {
  let version: string | undefined;
  try {
    const { stdout, stderr } = await exec(command, ['--version'], { timeout: 10_000 });
    version = /Python\s+(\S+)/.exec(`${stdout} ${stderr}`)?.[1];
  } catch {
    return undefined;
  }
  if (!version) return undefined;
  try {
    const { stdout } = await exec(command, ['-m', 'pip', 'list', '--format=json', '--disable-pip-version-check'], {
      timeout: PIP_TIMEOUT_MS,
      maxBuffer: 32 * 1024 * 1024,
    });
    return { version, packages: parsePipList(stdout) };
  } catch {
    return { version, packages: {} };
  }
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
