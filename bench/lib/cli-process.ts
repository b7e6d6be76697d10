import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mnemoBundle } from './mnemo-bundle.js';
import { readStatus } from './proc-status.js';
import { elapsedMs, now } from './stats.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** How often the child's memory high-water mark is read while it runs. */
const SAMPLE_MS = 10;

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Wall time from spawn to exit, process start included. */
  seconds: number;
  /** The child's peak resident set size (VmHWM, which the kernel keeps), as last read before it exited, in MiB. */
  peakRssMiB: number;
}

/**
 * Runs `mnemo <args>` in its own process (the bundled sources, as the server runs), reading its memory high-water
 * mark from /proc while it runs: a child's peak cannot be asked for after it has exited.
 */
export async function runCli(args: readonly string[]): Promise<CliRun> {
  const nodeArgs = (process.env.MNEMO_BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const entry = await mnemoBundle();
  const started = now();
  const child = spawn(process.execPath, [...nodeArgs, entry, ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let peak = 0;
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const sampler = setInterval(() => {
    readStatus(child.pid!, 'VmHWM')
      .then((hwm) => {
        peak = Math.max(peak, hwm);
      })
      .catch(() => {});
  }, SAMPLE_MS);
  return new Promise((resolve, reject) => {
    child.once('error', (error) => {
      clearInterval(sampler);
      reject(error);
    });
    // 'close' rather than 'exit': by then everything the child wrote has been read.
    child.once('close', (code) => {
      clearInterval(sampler);
      resolve({ code, stdout, stderr, seconds: elapsedMs(started) / 1000, peakRssMiB: peak });
    });
  });
}
