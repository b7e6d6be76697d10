import { describe, expect, it } from 'vitest';
import { backends } from '../support/backends.js';
import { useTestServer } from '../support/test-server.js';

describe.each(backends)('concurrent batches on one run on $name', (backend) => {
  const api = useTestServer(backend);

  it('accepts the same params and tags sent at once in different orders, without deadlocks or 500s', async () => {
    const { body } = await api.call<{ run: { runId: string } }>('POST', '/api/v1/runs', { experimentId: '0' });
    const runId = body.run.runId;
    const keys = Array.from({ length: 40 }, (_, i) => `k${String(i).padStart(2, '0')}`);
    const batches = Array.from({ length: 16 }, (_, n) => {
      // Each request lists the same keys in its own order: forward, reversed, rotated.
      const order = n % 2 === 0 ? [...keys].reverse() : [...keys.slice(n), ...keys.slice(0, n)];
      return {
        params: Object.fromEntries(order.map((k) => [k, `v-${k}`])),
        tags: Object.fromEntries(order.map((k) => [k, `t-${k}`])),
        metrics: [{ key: 'loss', value: n, step: n, timestamp: 1 }],
      };
    });
    const statuses = await Promise.all(
      batches.map(async (batch) => (await api.call('POST', `/api/v1/runs/${runId}/batch`, batch)).status),
    );
    expect(statuses).toEqual(batches.map(() => 200));
    const run = await api.call<{ run: { params: Record<string, string>; tags: Record<string, string> } }>(
      'GET',
      `/api/v1/runs/${runId}`,
    );
    expect(Object.keys(run.body.run.params)).toHaveLength(40);
    expect(run.body.run.tags.k07).toBe('t-k07');
  });
});
