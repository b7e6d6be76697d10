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

  it('rejects bad paging and sampling arguments', async () => {
    for (const query of [
      'key=train/loss&points=1',
      'key=train/loss&maxResults=0',
      'key=train/loss&pageToken=xyz',
      'points=5',
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
});
