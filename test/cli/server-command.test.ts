import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGTERM');
});

/** Starts `mnemo server` as a user would and resolves once it prints the URL it serves. */
function startCli(args: string[], env: Record<string, string>): Promise<{ url: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'server', ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let stdout = '';
  let stderr = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${stdout} ${stderr}`)), 20_000);
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /serving on (http:\/\/\S+)/.exec(stdout);
      if (match) {
        clearTimeout(timer);
        resolve({ url: match[1]!, stderr });
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}: ${stdout} ${stderr}`));
    });
  });
}

describe('mnemo server', () => {
  it('reads its flags from MNEMO_* variables, creates its data and serves', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mnemo-cli-'));
    try {
      const { url, stderr } = await startCli([], {
        MNEMO_HOST: '127.0.0.1',
        MNEMO_PORT: '0',
        MNEMO_BACKEND_STORE_URI: `sqlite:///${join(dir, 'db', 'mnemo.db')}`,
        MNEMO_ARTIFACTS_DESTINATION: join(dir, 'artifacts'),
      });
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(stderr).not.toContain('warning');
      const health = await fetch(`${url}/health`);
      expect(health.status).toBe(200);
      expect((await stat(join(dir, 'db', 'mnemo.db'))).isFile()).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('warns when bound beyond loopback without authentication', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mnemo-cli-'));
    try {
      const started = await startCli(
        ['--host', '0.0.0.0', '--port', '0', '--backend-store-uri', join(dir, 'm.db'), '--artifacts-destination', dir],
        {},
      );
      // The warning goes out before listening, so it is already in stderr.
      expect(started.stderr).toContain('without authentication');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses a bad port with a message saying what to do', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'server', '--port', 'abc'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(1);
    expect(stderr).toContain('--port must be a number');
  });
});
