import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { CLI_BUNDLE } from './cli-bundle.js';

export interface CliServer {
  url: string;
  stderr: () => string;
  stdout: () => string;
  child: ChildProcess;
}

/**
 * The flags of a server on a free port over `backendStoreUri`, keeping its artifacts and signing key in `dir`: servers
 * started with the same ones share both, as replicas must.
 */
export function sharedServerArgs(backendStoreUri: string, dir: string): string[] {
  return [
    '--port',
    '0',
    '--backend-store-uri',
    backendStoreUri,
    '--artifacts-destination',
    join(dir, 'artifacts'),
    '--signing-key-file',
    join(dir, 'signing-key.pem'),
  ];
}

/** Starts `mnemo server` (the bundled CLI) as a user would and resolves once it prints the URL it serves. */
export function startCliServer(args: string[], env: Record<string, string> = {}): Promise<CliServer> {
  const child = spawn(process.execPath, [CLI_BUNDLE, 'server', ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`server did not start: ${stdout} ${stderr}`));
    }, 30_000);
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /serving on (http:\/\/\S+)/.exec(stdout);
      if (match) {
        clearTimeout(timer);
        resolve({ url: match[1]!, stderr: () => stderr, stdout: () => stdout, child });
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}: ${stdout} ${stderr}`));
    });
  });
}

export function stopped(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}
