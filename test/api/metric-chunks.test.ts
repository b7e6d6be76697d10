import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open-store.js';
import { metricChunkSpans, metricChunks } from '../../src/store/repositories/metric-chunk-repository.js';
import type { Store } from '../../src/store/store.js';
import { backends } from '../support/backends.js';
import { useTestServer } from '../support/test-server.js';

type Point = { key: string; value: number | string; step: number; timestamp: number };
type History = { metrics: Point[]; nextPageToken?: string };

describe.each(backends)('chunked metric storage on $name', (backend) => {
  const api = useTestServer(backend);
  let store: Store;
  beforeAll(async () => {
    store = await openStore(api.backendUri);
  });
  afterAll(async () => store?.close());

  async function newRun(): Promise<string> {
    const run = await api.call<{ run: { runId: string } }>('POST', '/api/v1/runs', { experimentId: '0' });
    return run.body.run.runId;
  }

  async function history(runId: string, key: string, maxResults = 25_000): Promise<Point[]> {
    const points: Point[] = [];
    let pageToken: string | undefined;
    do {
      const query = new URLSearchParams({ key, maxResults: String(maxResults), ...(pageToken ? { pageToken } : {}) });
      const { status, body } = await api.call<History>('GET', `/api/v1/runs/${runId}/metric-history?${query}`);
      expect(status).toBe(200);
      points.push(...body.metrics);
      pageToken = body.nextPageToken;
    } while (pageToken);
    return points;
  }

  const batch = (runId: string, body: unknown) => api.call('POST', `/api/v1/runs/${runId}/batch`, body);

  it('stores a columnar batch as chunks of at most 1,000 points per key, and reads it back exactly', async () => {
    const runId = await newRun();
    const steps = Array.from({ length: 2500 }, (_, i) => i);
    const values: (number | string)[] = steps.map((i) => Math.sin(i) * 1e-3);
    values[7] = 'NaN';
    values[8] = 'Infinity';
    values[9] = '-Infinity';
    const reply = await batch(runId, {
      series: [
        { key: 'loss', steps, timestamps: steps.map((i) => 1_000 + i), values },
        { key: 'lr', steps: [0, 1], timestamps: [5, 6], values: [0.1, 0.05] },
      ],
      metrics: [{ key: 'acc', value: 0.5, step: 3, timestamp: 9 }],
    });
    expect(reply).toMatchObject({ status: 200, body: { metrics: 2503 } });
    const spans = await metricChunkSpans(store.db, runId, 'loss');
    expect(spans.map((s) => [s.first_step, s.last_step, Number(s.count), s.part])).toEqual([
      [0, 999, 1000, 0],
      [1000, 1999, 1000, 1],
      [2000, 2499, 500, 2],
    ]);
    const loss = await history(runId, 'loss', 700);
    expect(loss).toEqual(steps.map((i) => ({ key: 'loss', step: i, timestamp: 1_000 + i, value: values[i] })));
    expect(await history(runId, 'acc')).toEqual([{ key: 'acc', step: 3, timestamp: 9, value: 0.5 }]);
  });

  it('orders out-of-order and interleaved points by step then timestamp, and stores identical points once', async () => {
    const runId = await newRun();
    const point = (step: number, timestamp: number, value: number | string) => ({ key: 'm', step, timestamp, value });
    expect((await batch(runId, { metrics: [point(10, 1, 1), point(11, 1, 1), point(12, 1, 1)] })).status).toBe(200);
    // Earlier steps logged later, a step logged again at another time, and one point repeated exactly.
    expect(
      (await batch(runId, { metrics: [point(0, 1, 5), point(11, 0, 2), point(11, 1, 1), point(12, 1, 'NaN')] })).status,
    ).toBe(200);
    expect(
      (await batch(runId, { series: [{ key: 'm', steps: [5, 0], timestamps: [1, 1], values: [3, 5] }] })).status,
    ).toBe(200);
    expect(await history(runId, 'm', 2)).toEqual([
      point(0, 1, 5),
      point(5, 1, 3),
      point(10, 1, 1),
      point(11, 0, 2),
      point(11, 1, 1),
      point(12, 1, 1),
      point(12, 1, 'NaN'),
    ]);
    const stored = await metricChunks(store.db, runId, 'm');
    expect(stored.reduce((n, c) => n + Number(c.count), 0)).toBe(7);
    // A batch re-sent whole stores nothing more.
    expect((await batch(runId, { metrics: [point(10, 1, 1), point(11, 1, 1), point(12, 1, 1)] })).status).toBe(200);
    expect(await metricChunks(store.db, runId, 'm')).toHaveLength(stored.length);
    // In one batch, a key that repeats stored points and one that logs forward: each is stored as its own case asks.
    const other = (step: number, value: number) => ({ key: 'n', step, timestamp: 1, value });
    expect((await batch(runId, { metrics: [point(12, 1, 1), point(13, 1, 4), other(0, 7), other(1, 8)] })).status).toBe(
      200,
    );
    expect(await history(runId, 'n', 2)).toEqual([other(0, 7), other(1, 8)]);
    expect((await history(runId, 'm', 2)).slice(-2)).toEqual([point(12, 1, 'NaN'), point(13, 1, 4)]);
    const counted = await metricChunks(store.db, runId, 'm');
    expect(counted.reduce((n, c) => n + Number(c.count), 0)).toBe(8);
  });

  it('reads a zoomed range from the chunks that overlap it only', async () => {
    const runId = await newRun();
    for (let start = 0; start < 10_000; start += 1000) {
      const steps = Array.from({ length: 1000 }, (_, i) => start + i);
      expect((await batch(runId, { series: [{ key: 'z', steps, timestamps: steps, values: steps }] })).status).toBe(
        200,
      );
    }
    const read = await metricChunks(store.db, runId, 'z', { startStep: 4200, endStep: 5100 });
    expect(read.map((c) => c.first_step)).toEqual([4000, 5000]);
    const { body } = await api.call<{ metrics: Point[] }>(
      'GET',
      `/api/v1/runs/${runId}/metric-history?key=z&points=100&startStep=4200&endStep=5100`,
    );
    expect(body.metrics[0]?.step).toBe(4200);
    expect(body.metrics.at(-1)?.step).toBe(5100);
  });

  it.each([
    [{ key: 'loss', steps: [0, 1, 2], values: [1, 2] }, "series[1] ('loss') has 3 steps but 2 values"],
    [{ key: 'loss', steps: [0, 1.5], values: [1, 2] }, "series[1] ('loss') steps[1] must be an integer"],
    [{ key: 'loss', steps: [0, 1], values: [1, 'abc'] }, "series[1] ('loss') values[1] must be a number"],
    [{ key: 'loss', steps: [0, 1], values: [1, true] }, "series[1] ('loss') values[1] must be a number"],
  ])('refuses a bad columnar series with 400 naming it and the position, storing nothing: %j', async (bad, message) => {
    const runId = await newRun();
    const reply = await batch(runId, {
      series: [{ key: 'fine', steps: [0], values: [1] }, bad],
      params: { lr: '0.1' },
    });
    expect(reply.status).toBe(400);
    expect(reply.body).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE' });
    expect(String(reply.body.message)).toContain(message);
    expect(await history(runId, 'fine')).toEqual([]);
    const run = await api.call<{ run: { params: Record<string, string> } }>('GET', `/api/v1/runs/${runId}`);
    expect(run.body.run.params).toEqual({});
  });

  it('refuses a columnar batch over the batch limit with 400', async () => {
    const runId = await newRun();
    const steps = Array.from({ length: 10_001 }, (_, i) => i);
    const reply = await batch(runId, { series: [{ key: 'big', steps, values: steps }] });
    expect(reply.status).toBe(400);
    expect(await history(runId, 'big')).toEqual([]);
  });
});
