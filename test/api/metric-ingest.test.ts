import { describe, expect, it } from 'vitest';
import { backends } from '../support/backends.js';
import { useTestServer } from '../support/test-server.js';

type Point = { key: string; value: number | string; step: number; timestamp: number };
type History = { metrics: Point[]; nextPageToken?: string };

/** Batch sizes around the statement boundaries of the bulk insert: one row, a full chunk, full chunks plus a rest. */
const SIZES = [1, 999, 1000, 1001, 2500, 10_000];

describe.each(backends)('bulk metric ingest on $name', (backend) => {
  const api = useTestServer(backend);

  async function newRun(name: string): Promise<string> {
    const exp = await api.call<{ experiment: { experimentId: string } }>('POST', '/api/v1/experiments', { name });
    const run = await api.call<{ run: { runId: string } }>('POST', '/api/v1/runs', {
      experimentId: exp.body.experiment.experimentId,
    });
    return run.body.run.runId;
  }

  async function history(runId: string, key: string): Promise<Point[]> {
    const points: Point[] = [];
    let pageToken: string | undefined;
    do {
      const query = new URLSearchParams({ key, ...(pageToken ? { pageToken } : {}) });
      const { body } = await api.call<History>('GET', `/api/v1/runs/${runId}/metric-history?${query}`);
      points.push(...body.metrics);
      pageToken = body.nextPageToken;
    } while (pageToken);
    return points;
  }

  it('stores every point of batches of any size exactly, in step order', async () => {
    const runId = await newRun('ingest-sizes');
    for (const size of SIZES) {
      const key = `size_${size}`;
      // Irregular doubles, negative steps and zero, so any rounding, truncation or reordering shows.
      const sent = Array.from({ length: size }, (_, i) => ({
        key,
        value: (i % 7 === 3 ? -1 : 1) * Math.PI ** ((i % 13) - 6) * (1 + i / 3),
        step: i - 5,
        timestamp: 1_700_000_000_000 + ((i * 7919) % size),
      }));
      const reversed = [...sent].reverse();
      const { status, body } = await api.call('POST', `/api/v1/runs/${runId}/batch`, { metrics: reversed });
      expect(status).toBe(200);
      expect(body).toEqual({ metrics: size, params: 0, tags: 0 });
      expect(await history(runId, key)).toEqual(sent);
    }
  });

  it('keeps NaN and infinities and skips points a retried batch repeats', async () => {
    const runId = await newRun('ingest-special');
    const batch = Array.from({ length: 1500 }, (_, i) => ({
      key: 'special',
      value: i === 10 ? 'NaN' : i === 20 ? 'Infinity' : i === 30 ? '-Infinity' : i / 4,
      step: i,
      timestamp: 5000 + i,
    }));
    expect((await api.call('POST', `/api/v1/runs/${runId}/batch`, { metrics: batch })).status).toBe(200);
    // The retry overlaps the first batch by half and adds new points; the same step with a new value is kept too.
    const retry = [...batch.slice(750), { key: 'special', value: 999, step: 1499, timestamp: 6499 }];
    expect((await api.call('POST', `/api/v1/runs/${runId}/batch`, { metrics: retry })).status).toBe(200);
    const stored = await history(runId, 'special');
    expect(stored).toHaveLength(1501);
    expect(stored.slice(0, 1500)).toEqual(batch);
    // At equal step and timestamp, points come in value order and the larger value is the latest (as in MLflow).
    expect(stored.filter((p) => p.step === 1499).map((p) => p.value)).toEqual([374.75, 999]);
    const latest = async () =>
      (await api.call<{ run: { metrics: Point[] } }>('GET', `/api/v1/runs/${runId}`)).body.run.metrics;
    expect(await latest()).toEqual([{ key: 'special', value: 999, step: 1499, timestamp: 6499 }]);
    // A smaller value or NaN logged later at the same step and time does not replace it; a later time does.
    for (const value of [5, 'NaN']) {
      await api.call('POST', `/api/v1/runs/${runId}/batch`, {
        metrics: [{ key: 'special', value, step: 1499, timestamp: 6499 }],
      });
    }
    expect(await latest()).toEqual([{ key: 'special', value: 999, step: 1499, timestamp: 6499 }]);
    await api.call('POST', `/api/v1/runs/${runId}/batch`, {
      metrics: [{ key: 'special', value: 1, step: 1499, timestamp: 6500 }],
    });
    expect(await latest()).toEqual([{ key: 'special', value: 1, step: 1499, timestamp: 6500 }]);
  });

  it('writes nothing of a batch that holds one bad point', async () => {
    const runId = await newRun('ingest-atomic');
    const metrics = Array.from({ length: 3000 }, (_, i) => ({ key: 'atomic', value: i, step: i, timestamp: 1 }));
    metrics[2999] = { key: 'atomic', value: 'x' as unknown as number, step: 2999, timestamp: 1 };
    const { status, body } = await api.call('POST', `/api/v1/runs/${runId}/batch`, { metrics });
    expect(status).toBe(400);
    expect(body).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE' });
    expect(await history(runId, 'atomic')).toEqual([]);
  });
});
