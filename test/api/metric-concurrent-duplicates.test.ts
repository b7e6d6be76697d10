import { beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../support/backends.js';
import { useTestServer } from '../support/test-server.js';

type History = { metrics: { step: number; value: number }[]; totalPoints?: number };

/**
 * A client that retries a batch before the first attempt has answered sends the same points twice at once. Each
 * point is stored once, so the history, its sample and the count of points kept with the block summaries must all
 * say so, however the two requests interleave.
 */
describe.each(backends)('the same batch sent several times at once on $name', (backend) => {
  const api = useTestServer(backend);
  let runId: string;

  beforeAll(async () => {
    const exp = await api.call<{ experiment: { experimentId: string } }>('POST', '/api/v1/experiments', {
      name: 'retries',
    });
    const run = await api.call<{ run: { runId: string } }>('POST', '/api/v1/runs', {
      experimentId: exp.body.experiment.experimentId,
    });
    runId = run.body.run.runId;
  });

  it('stores and counts every point once', async () => {
    const metrics = ['loss', 'acc'].flatMap((key) =>
      Array.from({ length: 3_000 }, (_, step) => ({ key, value: Math.cos(step / 100), step, timestamp: 1_000 + step })),
    );
    for (let round = 0; round < 3; round++) {
      const sent = await Promise.all(
        Array.from({ length: 6 }, () => api.call('POST', `/api/v1/runs/${runId}/batch`, { metrics })),
      );
      expect(sent.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200]);
    }
    for (const key of ['loss', 'acc']) {
      const page = await api.call<History>('GET', `/api/v1/runs/${runId}/metric-history?key=${key}`);
      expect(page.body.metrics.map((m) => m.step)).toEqual(Array.from({ length: 3_000 }, (_, i) => i));
      const sampled = await api.call<History>('GET', `/api/v1/runs/${runId}/metric-history?key=${key}&points=100`);
      expect(sampled.body.totalPoints).toBe(3_000);
    }
  });
});
