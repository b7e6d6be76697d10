import { describe, expect, it } from 'vitest';
import { Mnemo } from '../../src/sdk/index.js';
import { backends } from '../support/backends.js';
import { useTestServer } from '../support/test-server.js';
import { batchRequests, countingFetch } from './counting-fetch.js';

async function until(condition: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe.each(backends)('SDK metric batching on $name', (backend) => {
  const api = useTestServer(backend);

  it('sends 12,000 points as batches of at most 5,000 and loses none', async () => {
    const { fetch, requests } = countingFetch();
    const mnemo = new Mnemo({ url: api.url, fetch, flushIntervalMs: 60_000 });
    const run = await mnemo.startRun({ experimentName: 'batching' });
    for (let step = 0; step < 12_000; step++) run.logMetric('loss', 1 / (step + 1), step);
    await run.flush();
    // The SDK sends its points as columns, one series per key.
    const sizes = batchRequests(requests).map((r) =>
      (r.body as { series: { values: unknown[] }[] }).series.reduce((n, s) => n + s.values.length, 0),
    );
    expect(sizes).toEqual([5000, 5000, 2000]);
    expect(run.pendingPoints).toBe(0);
    const history = await mnemo.metricHistory(run.id, 'loss');
    expect(history).toHaveLength(12_000);
    expect(new Set(history.map((m) => m.step)).size).toBe(12_000);
    const zoomed = await mnemo.metricHistory(run.id, 'loss', { startStep: 4_990, endStep: 5_009 });
    expect(zoomed.map((m) => m.step)).toEqual(Array.from({ length: 20 }, (_, i) => 4_990 + i));
    await run.end();
    expect(batchRequests(requests)).toHaveLength(3);
  });

  it('sends a full batch on its own without waiting for flush()', async () => {
    const { fetch, requests } = countingFetch();
    const mnemo = new Mnemo({ url: api.url, fetch, flushIntervalMs: 60_000, maxBatchPoints: 100 });
    const run = await mnemo.startRun({ experimentName: 'batching' });
    for (let step = 0; step < 250; step++) run.logMetric('acc', step / 250, step);
    await until(() => batchRequests(requests).length === 2 && run.pendingPoints === 50);
    // Two batches were sent without flush(); the second may still be on its way to the commit.
    await until(async () => (await mnemo.metricHistory(run.id, 'acc')).length === 200);
    expect(run.pendingPoints).toBe(50);
    await run.end();
    expect((await mnemo.metricHistory(run.id, 'acc')).length).toBe(250);
    expect(batchRequests(requests)).toHaveLength(3);
  });

  it('flushes a partial batch every flushIntervalMs', async () => {
    const mnemo = new Mnemo({ url: api.url, flushIntervalMs: 50 });
    const run = await mnemo.startRun({ experimentName: 'batching' });
    run.logMetrics({ a: 1, b: 2, c: 3 }, 7);
    await until(async () => (await mnemo.getRun(run.id)).metrics.length === 3);
    expect(run.pendingPoints).toBe(0);
    await run.end();
  });

  it('sends what is buffered when the run ends, in one request, before the status changes', async () => {
    const { fetch, requests } = countingFetch();
    const mnemo = new Mnemo({ url: api.url, fetch, flushIntervalMs: 60_000 });
    const run = await mnemo.startRun({ experimentName: 'batching' });
    for (let step = 0; step < 7; step++) run.logMetric('loss', 7 - step, step);
    expect(batchRequests(requests)).toHaveLength(0);
    const ended = await run.end('KILLED');
    expect(ended.status).toBe('KILLED');
    const writes = requests.filter((r) => r.path.startsWith(`/api/v1/runs/${run.id}`)).map((r) => r.method);
    expect(writes).toEqual(['POST', 'PATCH']);
    expect((await mnemo.metricHistory(run.id, 'loss')).map((m) => m.value)).toEqual([7, 6, 5, 4, 3, 2, 1]);
    expect(await run.end()).toBe(ended);
  });

  it('ends once when end() is called twice at the same time, and refuses points logged while ending', async () => {
    const { fetch, requests } = countingFetch();
    const mnemo = new Mnemo({ url: api.url, fetch });
    const run = await mnemo.startRun({ experimentName: 'batching' });
    run.logMetric('loss', 1);
    const first = run.end();
    expect(() => run.logMetric('loss', 2)).toThrow(/is ending/);
    const [a, b] = await Promise.all([first, run.end('FAILED')]);
    expect(a).toBe(b);
    expect(a.status).toBe('FINISHED');
    expect(requests.filter((r) => r.method === 'PATCH')).toHaveLength(1);
    expect((await mnemo.metricHistory(run.id, 'loss')).map((m) => m.value)).toEqual([1]);
  });

  it('refuses batch sizes the server would refuse', () => {
    expect(() => new Mnemo({ url: api.url, maxBatchPoints: 10_001 })).toThrow(RangeError);
    expect(() => new Mnemo({ url: api.url, maxBatchPoints: 0 })).toThrow(RangeError);
    expect(() => new Mnemo({ url: api.url, flushIntervalMs: 0 })).toThrow(RangeError);
    expect(() => new Mnemo({ url: api.url, requestTimeoutMs: -1 })).toThrow(RangeError);
    expect(() => new Mnemo({ url: 'ftp://example.org' })).toThrow(/http/);
  });
});
