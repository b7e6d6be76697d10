import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { backends } from '../support/backends.js';
import { startCliServer, stopped } from '../support/cli-server.js';

describe.each(backends)('durability across a crash on $name', (backend) => {
  it('keeps every point the server acknowledged when the process is killed', async () => {
    const db = await backend.createMigrated();
    const dir = await mkdtemp(join(tmpdir(), 'mnemo-crash-'));
    const args = ['--port', '0', '--backend-store-uri', db.uri, '--artifacts-destination', dir];
    try {
      const first = await startCliServer(args);
      const post = (url: string, path: string, body: unknown) =>
        fetch(`${url}${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
      const run = (await (await post(first.url, '/api/v1/runs', { experimentId: '0' })).json()) as {
        run: { runId: string };
      };
      const runId = run.run.runId;
      let acknowledged = 0;
      for (let batch = 0; batch < 5; batch++) {
        const metrics = Array.from({ length: 2000 }, (_, i) => ({
          key: 'loss',
          value: i,
          step: batch * 2000 + i,
          timestamp: 1,
        }));
        const response = await post(first.url, `/api/v1/runs/${runId}/batch`, { metrics });
        if (response.status === 200) acknowledged += metrics.length;
      }
      // No graceful shutdown: the process dies the way a power cut or OOM kill would take it.
      first.child.kill('SIGKILL');
      await stopped(first.child);

      const second = await startCliServer(args);
      try {
        const history = await fetch(`${second.url}/api/v1/runs/${runId}/metric-history?key=loss&maxResults=25000`);
        const body = (await history.json()) as { metrics: unknown[] };
        expect(acknowledged).toBe(10_000);
        expect(body.metrics).toHaveLength(acknowledged);
      } finally {
        second.child.kill('SIGTERM');
        await stopped(second.child);
      }
    } finally {
      await db.drop();
      await rm(dir, { recursive: true, force: true });
    }
    // Two server start-ups from source plus 10,000 points: generous so a loaded machine does not fail it.
  }, 120_000);
});
