import { beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../support/backends.js';
import { useTestServer } from '../support/test-server.js';

type Point = { key: string; value: number | string; step: number; timestamp: number };
type History = { metrics: Point[]; nextPageToken?: string; totalPoints?: number };

describe.each(backends)('metric history on $name', (backend) => {
  const api = useTestServer(backend);
  let runId: string;
  const total = 30_000;

  beforeAll(async () => {
    const exp = await api.call<{ experiment: { experimentId: string } }>('POST', '/api/v1/experiments', {
      name: 'history',
    });
    const run = await api.call<{ run: { runId: string } }>('POST', '/api/v1/runs', {
      experimentId: exp.body.experiment.experimentId,
    });
    runId = run.body.run.runId;
    for (let start = 0; start < total; start += 10_000) {
      const metrics = Array.from({ length: 10_000 }, (_, i) => {
        const step = start + i;
        // A smooth curve with one spike and one dip that a chart must not lose.
        const value = step === 12_345 ? 1000 : step === 23_456 ? -1000 : Math.sin(step / 1000);
        return { key: 'train/loss', value, step, timestamp: 1_000_000 + step };
      });
      expect((await api.call('POST', `/api/v1/runs/${runId}/batch`, { metrics })).status).toBe(200);
    }
  });

  it('pages through every point in step order without gaps or repeats', async () => {
    const steps: number[] = [];
    let pageToken: string | undefined;
    let pages = 0;
    do {
      const query = new URLSearchParams({ key: 'train/loss', maxResults: '7000', ...(pageToken ? { pageToken } : {}) });
      const { status, body } = await api.call<History>('GET', `/api/v1/runs/${runId}/metric-history?${query}`);
      expect(status).toBe(200);
      steps.push(...body.metrics.map((m) => m.step));
      pageToken = body.nextPageToken;
      pages++;
    } while (pageToken);
    expect(pages).toBe(5);
    expect(steps).toEqual(Array.from({ length: total }, (_, i) => i));
  });

  it('pages through a range of steps only', async () => {
    const steps: number[] = [];
    let pageToken: string | undefined;
    let pages = 0;
    do {
      const query = new URLSearchParams({
        key: 'train/loss',
        maxResults: '3000',
        startStep: '9995',
        endStep: '17004',
        ...(pageToken ? { pageToken } : {}),
      });
      const { status, body } = await api.call<History>('GET', `/api/v1/runs/${runId}/metric-history?${query}`);
      expect(status).toBe(200);
      steps.push(...body.metrics.map((m) => m.step));
      pageToken = body.nextPageToken;
      pages++;
    } while (pageToken);
    // 7,010 steps, crossing the boundary between two logged batches: three pages.
    expect(pages).toBe(3);
    expect(steps).toEqual(Array.from({ length: 7_010 }, (_, i) => 9_995 + i));
    const tail = await api.call<History>('GET', `/api/v1/runs/${runId}/metric-history?key=train/loss&startStep=29998`);
    expect(tail.body.metrics.map((m) => [m.step, m.value])).toEqual([
      [29_998, Math.sin(29.998)],
      [29_999, Math.sin(29.999)],
    ]);
    const none = await api.call<History>('GET', `/api/v1/runs/${runId}/metric-history?key=train/loss&startStep=40000`);
    expect(none.body).toEqual({ metrics: [] });
  });

  it('downsamples to at most N points keeping the extremes', async () => {
    const { status, body } = await api.call<History>(
      'GET',
      `/api/v1/runs/${runId}/metric-history?key=${encodeURIComponent('train/loss')}&points=500`,
    );
    expect(status).toBe(200);
    expect(body.totalPoints).toBe(total);
    expect(body.metrics.length).toBeLessThanOrEqual(500);
    expect(body.metrics.length).toBeGreaterThan(400);
    const values = body.metrics.map((m) => m.value as number);
    expect(Math.max(...values)).toBe(1000);
    expect(Math.min(...values)).toBe(-1000);
    expect(body.metrics[0]!.step).toBe(0);
    expect(body.metrics.at(-1)!.step).toBe(total - 1);
    const steps = body.metrics.map((m) => m.step);
    expect([...steps].sort((a, b) => a - b)).toEqual(steps);
  });

  const valueAt = (step: number) => (step === 12_345 ? 1000 : step === 23_456 ? -1000 : Math.sin(step / 1000));
  const sampled = async (query: Record<string, string>) => {
    const params = new URLSearchParams({ key: 'train/loss', ...query });
    const { status, body } = await api.call<History>('GET', `/api/v1/runs/${runId}/metric-history?${params}`);
    expect(status).toBe(200);
    return body;
  };

  it('samples only the requested steps when zoomed, keeping the extremes inside and nothing outside', async () => {
    // 10,003 and 14,990 are not block boundaries: blocks cut by the range must not leak points from outside it.
    const body = await sampled({ points: '200', startStep: '10003', endStep: '14990' });
    expect(body.totalPoints).toBe(total);
    expect(body.metrics.length).toBeLessThanOrEqual(200);
    expect(body.metrics.length).toBeGreaterThan(150);
    const steps = body.metrics.map((m) => m.step);
    expect(steps[0]).toBe(10_003);
    expect(steps.at(-1)).toBe(14_990);
    expect([...steps].sort((a, b) => a - b)).toEqual(steps);
    for (const m of body.metrics) expect(m.value).toBe(valueAt(m.step));
    const values = body.metrics.map((m) => m.value as number);
    expect(Math.max(...values)).toBe(1000);
    const inside = Array.from({ length: 14_990 - 10_003 + 1 }, (_, i) => valueAt(10_003 + i)).filter((v) => v !== 1000);
    expect(Math.min(...values)).toBe(Math.min(...inside));
  });

  it('returns every point of a short zoomed range, and none beyond the history', async () => {
    const body = await sampled({ points: '1000', startStep: '100', endStep: '300' });
    expect(body.metrics.map((m) => m.step)).toEqual(Array.from({ length: 201 }, (_, i) => 100 + i));
    const open = await sampled({ points: '100', startStep: '29990' });
    expect(open.metrics.map((m) => m.step)).toEqual(Array.from({ length: 10 }, (_, i) => 29_990 + i));
    expect((await sampled({ points: '100', startStep: '50000' })).metrics).toEqual([]);
  });

  it('rejects bad paging and sampling arguments', async () => {
    for (const query of [
      'key=train/loss&points=1',
      'key=train/loss&maxResults=0',
      'key=train/loss&pageToken=xyz',
      'points=5',
      'key=train/loss&points=100&startStep=500&endStep=400',
      'key=train/loss&startStep=9&endStep=3',
      'key=train/loss&maxResults=10&endStep=-',
      'key=train/loss&points=100&endStep=1.5',
      'key=train/loss&points=100&startStep=abc',
    ]) {
      const { status, body } = await api.call<{ error_code: string }>(
        'GET',
        `/api/v1/runs/${runId}/metric-history?${query}`,
      );
      expect(status, query).toBe(400);
      expect(body.error_code).toBe('INVALID_PARAMETER_VALUE');
    }
    const unknown = await api.call('GET', `/api/v1/runs/${'1'.repeat(32)}/metric-history?key=x`);
    expect(unknown.status).toBe(404);
  });

  it('returns an empty history for a key never logged', async () => {
    const { body } = await api.call<History>('GET', `/api/v1/runs/${runId}/metric-history?key=never`);
    expect(body).toEqual({ metrics: [] });
  });

  it('keeps a sample current when a later batch adds a new extreme inside an old stretch', async () => {
    const spike = { key: 'train/loss', value: 5000, step: 7777, timestamp: 9_999_999 };
    expect((await api.call('POST', `/api/v1/runs/${runId}/batch`, { metrics: [spike] })).status).toBe(200);
    const body = await sampled({ points: '500' });
    expect(body.totalPoints).toBe(total + 1);
    expect(body.metrics).toContainEqual(spike);
  });
});

describe.each(backends)('the ends of a sampled history on $name', (backend) => {
  const api = useTestServer(backend);

  it('are found however many batches overlap them, the earliest first point and latest last point kept', async () => {
    const run = await api.call<{ run: { runId: string } }>('POST', '/api/v1/runs', { experimentId: '0' });
    const runId = run.body.run.runId;
    // Twenty batches over the same 2,000 steps, logged at once by parallel workers: every chunk spans the whole
    // history. The first point (step 0, earliest timestamp) and the last (step 1,999, latest timestamp) are both
    // in the fourteenth batch, so finding them means looking past the chunks nearest each end by position.
    for (let worker = 0; worker < 20; worker++) {
      const steps = Array.from({ length: 2000 }, (_, i) => i);
      const timestamps = steps.map((step) =>
        worker === 13 ? (step === 0 ? 1 : step === 1999 ? 9_000_000 : 5000 + step) : 5000 + step + worker,
      );
      const values = steps.map((step) => Math.sin(step / 100) + worker / 1000);
      const reply = await api.call('POST', `/api/v1/runs/${runId}/batch`, {
        series: [{ key: 'loss', steps, timestamps, values }],
      });
      expect(reply.status).toBe(200);
    }
    const { body } = await api.call<History>('GET', `/api/v1/runs/${runId}/metric-history?key=loss&points=100`);
    expect(body.totalPoints).toBe(40_000);
    expect(body.metrics[0]).toMatchObject({ step: 0, timestamp: 1 });
    expect(body.metrics.at(-1)).toMatchObject({ step: 1999, timestamp: 9_000_000 });
    const zoomed = await api.call<History>(
      'GET',
      `/api/v1/runs/${runId}/metric-history?key=loss&points=100&startStep=0&endStep=1999`,
    );
    expect(zoomed.body.metrics[0]).toMatchObject({ step: 0, timestamp: 1 });
    expect(zoomed.body.metrics.at(-1)).toMatchObject({ step: 1999, timestamp: 9_000_000 });
  });
});

describe.each(backends)('infinite extremes of a sampled history on $name', (backend) => {
  const api = useTestServer(backend);

  it('are kept, read from the block summaries as they were logged', async () => {
    const run = await api.call<{ run: { runId: string } }>('POST', '/api/v1/runs', { experimentId: '0' });
    const runId = run.body.run.runId;
    const metrics = Array.from({ length: 4000 }, (_, step) => ({
      key: 'grad_norm',
      value: step === 500 ? 'Infinity' : step === 3000 ? '-Infinity' : Math.cos(step / 50),
      step,
      timestamp: 1000 + step,
    }));
    expect((await api.call('POST', `/api/v1/runs/${runId}/batch`, { metrics })).status).toBe(200);
    const { body } = await api.call<History>('GET', `/api/v1/runs/${runId}/metric-history?key=grad_norm&points=100`);
    expect(body.metrics.length).toBeLessThanOrEqual(100);
    expect(body.metrics).toContainEqual({ key: 'grad_norm', value: 'Infinity', step: 500, timestamp: 1500 });
    expect(body.metrics).toContainEqual({ key: 'grad_norm', value: '-Infinity', step: 3000, timestamp: 4000 });
  });
});

describe.each(backends)('NaN points a sample has no room for on $name', (backend) => {
  const api = useTestServer(backend);
  const nanSteps = [7_000, 21_000, 29_001];

  it('are named beside the sample, for the whole history and for a zoomed range', async () => {
    const exp = await api.call<{ experiment: { experimentId: string } }>('POST', '/api/v1/experiments', {
      name: 'history-nan',
    });
    const run = await api.call<{ run: { runId: string } }>('POST', '/api/v1/runs', {
      experimentId: exp.body.experiment.experimentId,
    });
    const runId = run.body.run.runId;
    for (let start = 0; start < 30_000; start += 10_000) {
      const metrics = Array.from({ length: 10_000 }, (_, i) => {
        const step = start + i;
        return { key: 'loss', value: nanSteps.includes(step) ? 'NaN' : Math.cos(step / 700), step, timestamp: step };
      });
      expect((await api.call('POST', `/api/v1/runs/${runId}/batch`, { metrics })).status).toBe(200);
    }
    const sample = async (query: string) => {
      const { status, body } = await api.call<History & { hiddenNaN?: Point[] }>(
        'GET',
        `/api/v1/runs/${runId}/metric-history?key=loss&${query}`,
      );
      expect(status).toBe(200);
      const nan = [...body.metrics, ...(body.hiddenNaN ?? [])].filter((p) => p.value === 'NaN').map((p) => p.step);
      return { body, nan: [...new Set(nan)].sort((a, b) => a - b) };
    };
    // From the block summaries (the whole history) and from the points (a short zoomed range).
    const whole = await sample('points=300');
    expect(whole.body.metrics.length).toBeLessThanOrEqual(300);
    expect(whole.nan).toEqual(nanSteps);
    const zoomed = await sample('points=20&startStep=6900&endStep=7300');
    expect(zoomed.body.metrics.length).toBeLessThanOrEqual(20);
    expect(zoomed.nan).toEqual([7_000]);
  });
});
