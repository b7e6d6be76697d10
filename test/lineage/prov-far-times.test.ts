import { describe, expect, it } from 'vitest';
import { backends } from '../support/backends.js';
import { useTestServer } from '../support/test-server.js';

/** Later than any Date can hold (8.64e15 ms), yet a whole number of milliseconds the API accepts as a run's time. */
const FAR = 9_000_000_000_000_000;

describe.each(backends)('PROV export of runs with times beyond what a date can show, on $name', (backend) => {
  const api = useTestServer(backend);

  it('answers 200, keeping the raw times and leaving out the dates it cannot write', async () => {
    const experiment = await api.call<{ experiment: { experimentId: string } }>('POST', '/api/v1/experiments', {
      name: 'far-future',
    });
    const run = await api.call<{ run: { runId: string } }>('POST', '/api/v1/runs', {
      experimentId: experiment.body.experiment.experimentId,
      startTime: FAR,
    });
    expect(run.status).toBe(201);
    const runId = run.body.run.runId;
    const upload = await fetch(`${api.url}/api/v1/runs/${runId}/artifacts/model/model.pkl`, {
      method: 'PUT',
      body: 'x',
    });
    expect(upload.status).toBe(201);
    expect((await api.call('POST', '/api/2.0/mlflow/registered-models/create', { name: 'far' })).status).toBe(200);
    const version = await api.call('POST', '/api/2.0/mlflow/model-versions/create', {
      name: 'far',
      source: `runs:/${runId}/model`,
      run_id: runId,
    });
    expect(version.status).toBe(200);

    const prov = await api.call<{ activity: Record<string, Record<string, unknown>> }>(
      'GET',
      '/api/v1/lineage/model-versions/far/1/prov',
    );
    expect(prov.status, JSON.stringify(prov.body)).toBe(200);
    const activity = prov.body.activity[`mnemo:run:${runId}`];
    expect(activity).toMatchObject({ 'mnemo:startTime': FAR });
    expect(activity).not.toHaveProperty('prov:startTime');
  });
});
