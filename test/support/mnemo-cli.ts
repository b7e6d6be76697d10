import { type ChildProcessByStdio, spawn } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { CLI_BUNDLE } from './cli-bundle.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/**
 * Node's arguments that run a TypeScript entry point from any working directory: one process with tsx's loader,
 * rather than the tsx command, which starts a second Node process under itself.
 */
export const TYPESCRIPT_NODE_ARGS = ['--import', pathToFileURL(join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href];
/** Each call starts a Node process for the CLI, which can take seconds on a busy machine. */
export const CLI_TIMEOUT = 120_000;

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `mnemo <args>` (the bundled CLI) in `cwd`, as a user would from a shell, with no tracking settings leaking in
 * from the test's own environment; `env` adds variables for this call only. `onFirstStdout` is called once, when
 * the CLI first writes to stdout.
 */
export function runMnemo(
  args: string[],
  cwd: string,
  env: Record<string, string> = {},
  onFirstStdout?: (child: ChildProcessByStdio<null, Readable, Readable>) => void,
): Promise<CliResult> {
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !key.startsWith('MLFLOW_') && !key.startsWith('MNEMO_')),
  );
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [CLI_BUNDLE, ...args], {
      cwd,
      env: { ...inherited, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => {
      if (stdout.length === 0) onFirstStdout?.(child);
      stdout.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.once('error', reject);
    child.once('close', (code) =>
      resolvePromise({ code, stdout: Buffer.concat(stdout).toString(), stderr: Buffer.concat(stderr).toString() }),
    );
  });
}
