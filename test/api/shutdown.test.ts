import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { type IncomingMessage, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startServer } from '../../src/api/server.js';
import { backends } from '../support/backends.js';

describe.each(backends)('server shutdown on $name', (backend) => {
  it('finishes closing after the grace period even while a client stalls reading a large download', async () => {
    const db = await backend.createMigrated();
    const artifacts = await mkdtemp(join(tmpdir(), 'mnemo-shutdown-'));
    const server = await startServer({
      host: '127.0.0.1',
      port: 0,
      backendStoreUri: db.uri,
      artifactsDestination: artifacts,
      shutdownGraceMs: 500,
    });
    try {
      const call = async (method: string, path: string, body?: unknown) => {
        const response = await fetch(`${server.url}${path}`, {
          method,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
        return (await response.json()) as Record<string, Record<string, string>>;
      };
      const { experiment } = await call('POST', '/api/v1/experiments', { name: 'shutdown' });
      const { run } = await call('POST', '/api/v1/runs', { experimentId: experiment!.experimentId });
      const runId = run!.runId!;
      // Far more than the socket buffers hold, so the response cannot finish while the client does not read.
      const payload = randomBytes(32 * 1024 * 1024);
      const upload = await fetch(`${server.url}/api/v1/runs/${runId}/artifacts/big.bin`, {
        method: 'PUT',
        headers: { 'content-type': 'application/octet-stream' },
        body: payload,
      });
      expect(upload.status).toBeLessThan(300);

      const url = new URL(server.url);
      const stalled = new Promise<IncomingMessage>((resolve, reject) => {
        const req = request(
          { host: url.hostname, port: url.port, path: `/api/v1/runs/${runId}/artifacts/big.bin`, method: 'GET' },
          (res) => {
            res.pause(); // read nothing more
            resolve(res);
          },
        );
        req.on('error', reject);
        req.end();
      });
      const download = await stalled;
      expect(download.statusCode).toBe(200);

      const closed = server.close().then(() => 'closed');
      const timeout = new Promise((resolve) => setTimeout(() => resolve('still open'), 15_000));
      expect(await Promise.race([closed, timeout])).toBe('closed');
      // The stalled download was cut, not completed: reading on finds the message ended early.
      const cut = new Promise<void>((resolve) => {
        download.on('close', () => resolve());
        download.on('error', () => resolve());
      });
      download.resume();
      await cut;
      expect(download.complete).toBe(false);
      await expect(fetch(`${server.url}/health`)).rejects.toThrow();
    } finally {
      await server.close().catch(() => undefined);
      await db.drop();
      await rm(artifacts, { recursive: true, force: true });
    }
  }, 60_000);
});
