import { describe, expect, it } from 'vitest';
import { backends } from '../support/backends.js';
import { useTestServer } from '../support/test-server.js';

type Activity = { experimentId: string; runCount: number; runningCount: number; lastActivity: number | null };

describe.each(backends)('web UI support endpoints on $name', (backend) => {
  const api = useTestServer(backend);

  async function experiment(name: string): Promise<string> {
    const created = await api.call<{ experiment: { experimentId: string } }>('POST', '/api/v1/experiments', { name });
    return created.body.experiment.experimentId;
  }

  async function run(experimentId: string, startTime: number): Promise<string> {
    const created = await api.call<{ run: { runId: string } }>('POST', '/api/v1/runs', { experimentId, startTime });
    return created.body.run.runId;
  }

  it('counts active runs, running runs and finds the last activity per experiment', async () => {
    const busy = await experiment('activity-busy');
    const empty = await experiment('activity-empty');
    const a = await run(busy, 1_000);
    const b = await run(busy, 2_000);
    const gone = await run(busy, 9_000_000);
    await api.call('PATCH', `/api/v1/runs/${a}`, { status: 'FINISHED', endTime: 5_000 });
    await api.call('POST', `/api/v1/runs/${b}/batch`, {
      metrics: [{ key: 'loss', value: 1, step: 0, timestamp: 7_000 }],
    });
    await api.call('DELETE', `/api/v1/runs/${gone}`);

    const { status, body } = await api.call<{ activity: Activity[] }>('POST', '/api/v1/experiments/activity', {
      experimentIds: [busy, empty, busy],
    });
    expect(status).toBe(200);
    expect(body.activity).toEqual([
      { experimentId: busy, runCount: 2, runningCount: 1, lastActivity: 7_000 },
      { experimentId: empty, runCount: 0, runningCount: 0, lastActivity: null },
    ]);
  });

  it('lists the distinct param, metric and tag keys of an experiment, sorted', async () => {
    const id = await experiment('keys');
    const other = await experiment('keys-other');
    const r1 = await run(id, 1);
    const r2 = await run(id, 2);
    const r3 = await run(other, 3);
    await api.call('POST', `/api/v1/runs/${r1}/batch`, {
      params: { lr: '0.1', optimizer: 'adam' },
      metrics: [{ key: 'loss', value: 0.5 }],
      tags: { team: 'vision' },
    });
    await api.call('POST', `/api/v1/runs/${r2}/batch`, {
      params: { lr: '0.2', batch_size: '32' },
      metrics: [{ key: 'acc', value: 0.9 }],
    });
    await api.call('POST', `/api/v1/runs/${r3}/batch`, { params: { unrelated: 'x' } });
    // A deleted run's keys are not offered: only active runs count.
    const deleted = await run(id, 4);
    await api.call('POST', `/api/v1/runs/${deleted}/batch`, {
      params: { only_deleted: '1' },
      metrics: [{ key: 'zz_deleted', value: 1 }],
      tags: { a_deleted: 'x' },
    });
    await api.call('DELETE', `/api/v1/runs/${deleted}`);

    const { status, body } = await api.call('GET', `/api/v1/experiments/${id}/keys`);
    expect(status).toBe(200);
    expect(body).toEqual({
      params: ['batch_size', 'lr', 'optimizer'],
      metrics: ['acc', 'loss'],
      tags: ['mlflow.runName', 'team'],
    });
  });

  it('answers 404 for keys of an unknown experiment and 400 for a malformed activity request', async () => {
    const missing = await api.call('GET', '/api/v1/experiments/404404/keys');
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ error_code: 'RESOURCE_DOES_NOT_EXIST' });
    const bad = await api.call('POST', '/api/v1/experiments/activity', { experimentIds: 'nope' });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE' });
    const tooMany = await api.call('POST', '/api/v1/experiments/activity', {
      experimentIds: Array.from({ length: 1001 }, (_, i) => String(i)),
    });
    expect(tooMany.status).toBe(400);
  });
});
