import { beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../support/backends.js';
import { useTestServer } from '../support/test-server.js';
import { mlflowCalls, newRun } from './support/mlflow-calls.js';

type Point = { key: string; value: number | string; timestamp: number; step: number; run_id: string };
type BulkReply = { metrics?: Point[] };

/** Two runs of the same metric: a long one with a one-step spike, and a short one. */
const LONG = 40_000;
const SPIKE_STEP = 27_183;
const longValue = (step: number) => (step === SPIKE_STEP ? 99 : Math.cos(step / 700));
const shortValue = (step: number) => step / 10;

describe.each(backends)('MLflow get-history-bulk-interval on $name', (backend) => {
  const api = useTestServer(backend);
  const mlflow = mlflowCalls(api);
  let long: string;
  let short: string;
  const bulk = (query: Record<string, string | string[]>) =>
    mlflow.get<BulkReply>('metrics/get-history-bulk-interval', { metric_key: 'loss', ...query });

  beforeAll(async () => {
    long = (await newRun(api, 'bulk/long')).runId;
    short = (await newRun(api, 'bulk/short')).runId;
    for (let start = 0; start < LONG; start += 1000) {
      const metrics = Array.from({ length: 1000 }, (_, i) => ({
        key: 'loss',
        value: longValue(start + i),
        timestamp: 5000 + start + i,
        step: start + i,
      }));
      expect((await mlflow.post('runs/log-batch', { run_id: long, metrics })).status).toBe(200);
    }
    const metrics = Array.from({ length: 50 }, (_, i) => ({
      key: 'loss',
      value: shortValue(i),
      timestamp: 7,
      step: i,
    }));
    expect((await mlflow.post('runs/log-batch', { run_id: short, metrics })).status).toBe(200);
  });

  it('samples each run to at most max_results points, keeping its ends and its spike', async () => {
    const { status, body } = await bulk({ run_ids: [long, short], max_results: '300' });
    expect(status).toBe(200);
    const ofLong = body.metrics!.filter((m) => m.run_id === long);
    const ofShort = body.metrics!.filter((m) => m.run_id === short);
    expect(ofLong.length).toBeLessThanOrEqual(300);
    expect(ofLong.length).toBeGreaterThan(250);
    expect(ofLong[0]).toEqual({ key: 'loss', value: 1, timestamp: 5000, step: 0, run_id: long });
    expect(ofLong.at(-1)!.step).toBe(LONG - 1);
    expect(ofLong.find((m) => m.step === SPIKE_STEP)?.value).toBe(99);
    for (const m of ofLong) expect(m.value).toBe(longValue(m.step));
    // A run shorter than max_results comes back whole.
    expect(ofShort.map((m) => [m.step, m.value])).toEqual(Array.from({ length: 50 }, (_, i) => [i, shortValue(i)]));
    // Runs come in the order asked for, each in step order.
    expect(body.metrics!.map((m) => m.run_id)).toEqual([...ofLong.map(() => long), ...ofShort.map(() => short)]);
  });

  it('limits every run to the step range, inclusive', async () => {
    const { body } = await bulk({ run_ids: [short, long], start_step: '20', end_step: '30', max_results: '2500' });
    const steps = (runId: string) => body.metrics!.filter((m) => m.run_id === runId).map((m) => m.step);
    const expected = Array.from({ length: 11 }, (_, i) => 20 + i);
    expect(steps(short)).toEqual(expected);
    expect(steps(long)).toEqual(expected);
    const zoomed = await bulk({ run_ids: long, start_step: '27000', end_step: '27400', max_results: '100' });
    const points = zoomed.body.metrics!;
    expect(points.length).toBeLessThanOrEqual(100);
    expect(points.every((m) => m.step >= 27_000 && m.step <= 27_400)).toBe(true);
    expect(points.some((m) => m.step === SPIKE_STEP)).toBe(true);
    expect((await bulk({ run_ids: short, start_step: '100', end_step: '200' })).body).toEqual({});
  });

  it('answers 400 to bad arguments and 404 to an unknown run', async () => {
    const unknown = await bulk({ run_ids: [long, 'f'.repeat(32)] });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ error_code: 'RESOURCE_DOES_NOT_EXIST' });
    const badQueries: Record<string, string | string[]>[] = [
      { run_ids: long, start_step: '5' },
      { run_ids: long, max_results: '0' },
      { run_ids: long, max_results: '2501' },
      { run_ids: long, start_step: '9', end_step: '3' },
      { run_ids: long, start_step: 'x', end_step: '3' },
      { run_ids: Array.from({ length: 101 }, (_, i) => `${i}`.padStart(32, '0')) },
    ];
    for (const query of badQueries) {
      const reply = await bulk(query);
      expect(reply.status, JSON.stringify(query).slice(0, 80)).toBe(400);
      expect(reply.body).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE' });
    }
    const noKey = await mlflow.get('metrics/get-history-bulk-interval', { run_ids: long });
    expect(noKey.status).toBe(400);
  });
});
