import { spawn } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type CliServer, startCliServer } from '../support/cli-server.js';

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

  it('warns when bound beyond loopback without authentication', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mnemo-cli-'));
    try {
      const server = await startCliServer([
        '--host',
        '0.0.0.0',
        '--port',
        '0',
        '--backend-store-uri',
        join(dir, 'm.db'),
        '--artifacts-destination',
        dir,
      ]);
      servers.push(server);
      // The warning goes out before listening, so it is already in stderr.
      expect(server.stderr()).toContain('without authentication');
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
    expect(code).toBe(2);
    expect(stderr).toContain('--port must be a number');
  });
});
