import { spawn } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CLI_BUNDLE } from '../support/cli-bundle.js';
import { type CliServer, startCliServer, stopped } from '../support/cli-server.js';

const servers: CliServer[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.child.kill('SIGTERM');
});

describe('mnemo server', () => {
  it('reads its flags from MNEMO_* variables, creates its data and serves', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mnemo-cli-'));
    try {
      const server = await startCliServer([], {
        MNEMO_HOST: '127.0.0.1',
        MNEMO_PORT: '0',
        MNEMO_BACKEND_STORE_URI: `sqlite:///${join(dir, 'db', 'mnemo.db')}`,
        MNEMO_ARTIFACTS_DESTINATION: join(dir, 'artifacts'),
      });
      servers.push(server);
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(server.stderr()).not.toContain('warning');
      const health = await fetch(`${server.url}/health`);
      expect(health.status).toBe(200);
      expect((await stat(join(dir, 'db', 'mnemo.db'))).isFile()).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses to listen beyond loopback without authentication unless told --no-auth', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mnemo-cli-'));
    const args = [
      '--host',
      '0.0.0.0',
      '--port',
      '0',
      '--backend-store-uri',
      join(dir, 'm.db'),
      '--artifacts-destination',
      dir,
    ];
    try {
      const refused = spawn(process.execPath, [CLI_BUNDLE, 'server', ...args], {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, MNEMO_AUTH: '' },
      });
      let stderr = '';
      refused.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
      });
      expect(await new Promise<number | null>((resolve) => refused.on('exit', resolve))).not.toBe(0);
      expect(stderr).toContain('refusing to listen on 0.0.0.0 without authentication');

      const server = await startCliServer([...args, '--no-auth']);
      servers.push(server);
      // The warning goes out before listening, so it is already in stderr.
      expect(server.stderr()).toContain('without authentication (--no-auth)');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('prints a generated admin token on the first start with --auth only, and the token works', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mnemo-cli-'));
    const args = ['--auth', '--port', '0', '--backend-store-uri', join(dir, 'm.db'), '--artifacts-destination', dir];
    try {
      const first = await startCliServer(args, { MNEMO_ADMIN_TOKEN: '' });
      servers.push(first);
      await new Promise((resolve) => setTimeout(resolve, 200));
      const token = /\n {2}(mnemo_[\w-]+)\n/.exec(first.stdout())?.[1];
      expect(token).toBeDefined();
      expect((await fetch(`${first.url}/api/v1/users`)).status).toBe(401);
      const users = await fetch(`${first.url}/api/v1/users`, { headers: { authorization: `Bearer ${token}` } });
      expect(users.status).toBe(200);
      first.child.kill('SIGTERM');
      await stopped(first.child);

      const second = await startCliServer(args, { MNEMO_ADMIN_TOKEN: '' });
      servers.push(second);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(second.stdout()).not.toContain('mnemo_');
      const again = await fetch(`${second.url}/api/v1/users`, { headers: { authorization: `Bearer ${token}` } });
      expect(again.status).toBe(200);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses a bad port with a message saying what to do', async () => {
    const child = spawn(process.execPath, [CLI_BUNDLE, 'server', '--port', 'abc'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(2);
    expect(stderr).toContain('--port must be a number');
  });
});
