import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mnemoBundle } from './mnemo-bundle.js';
import { readStatus } from './proc-status.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** A Mnemo server in its own process, so its memory can be measured apart from the load generator's. */
export interface ServerProcess {
  url: string;
  pid: number;
  /** Resident set size right now, in MiB. */
  rssMiB(): Promise<number>;
  /** Highest resident set size since the last `resetPeak()` (or start), in MiB, as the kernel counts it. */
  peakRssMiB(): Promise<number>;
  /** Starts a new peak window (the kernel's high-water mark is reset; a sampler also watches in between). */
  resetPeak(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts `mnemo server` on a free port over the given backend, from the sources bundled into one file (the same
 * code `npm start` compiles; see mnemo-bundle.ts). Extra Node flags (e.g. --cpu-prof) come from MNEMO_BENCH_NODE_ARGS.
 */
export async function startServerProcess(
  backendUri: string,
  options: { args?: string[]; env?: Record<string, string> } = {},
): Promise<ServerProcess> {
  const artifacts = await mkdtemp(join(tmpdir(), 'mnemo-bench-artifacts-'));
  const nodeArgs = (process.env.MNEMO_BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(
    process.execPath,
    [
      ...nodeArgs,
      await mnemoBundle(),
      'server',
      '--host',
      '127.0.0.1',
      '--port',
      '0',
      '--backend-store-uri',
      backendUri,
      '--artifacts-destination',
      artifacts,
      ...(options.args ?? []),
    ],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...options.env } },
  );
  const url = await waitForUrl(child);
  const pid = child.pid!;
  let stopping = false;
  // A server that dies mid-scenario shows up as "socket hang up" in the load generator; say what happened to it.
  child.once('exit', (code, signal) => {
    if (!stopping) process.stderr.write(`[server] exited unexpectedly (code ${code}, signal ${signal})\n`);
  });
  let sampledPeak = 0;
  const sampler = setInterval(() => {
    readStatus(pid, 'VmRSS')
      .then((rss) => {
        sampledPeak = Math.max(sampledPeak, rss);
      })
      .catch(() => {});
  }, 25);
  return {
    url,
    pid,
    rssMiB: () => readStatus(pid, 'VmRSS'),
    async peakRssMiB() {
      // VmHWM is exact (no sampling gaps); the sampler covers kernels that do not support resetting it.
      return Math.max(sampledPeak, await readStatus(pid, 'VmHWM').catch(() => 0));
    },
    async resetPeak() {
      sampledPeak = await readStatus(pid, 'VmRSS');
      // Writing 5 to clear_refs resets the high-water mark of a process we own (Linux ≥ 4.0).
      await writeFile(`/proc/${pid}/clear_refs`, '5').catch(() => {});
    },
    async stop() {
      stopping = true;
      clearInterval(sampler);
      await new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      });
      await rm(artifacts, { recursive: true, force: true });
    },
  };
}

function waitForUrl(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`server did not start within 60 s:\n${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /serving on (http:\/\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      // Keep server errors visible: a benchmark that hides a 500 is lying.
      if (/error/i.test(chunk.toString())) process.stderr.write(`[server] ${chunk}`);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with code ${code} before listening:\n${output}`));
    });
  });
}
