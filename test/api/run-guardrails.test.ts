import { describe, expect, it } from 'vitest';
import { verifyAuditTrail } from '../../src/services/provenance/verify/audit-verifier.js';
import { mlflowCalls } from '../mlflow/support/mlflow-calls.js';
import { backends } from '../support/backends.js';
import { useTestServer } from '../support/test-server.js';

type Completeness = { complete: boolean; missing: { field: string; reason: string }[]; evaluatedTime: number } | null;
type RunBody = { run: { runId: string; status: string; completeness: Completeness } };

const STRICT = {
  params: ['seed'],
  metrics: ['val_auc'],
  datasetInput: true,
  dataQualityCheck: true,
  negativeResultNote: true,
  negativeWhen: [{ metric: 'val_auc', below: 0.7 }],
};

describe.each(backends)('required run metadata on $name', (backend) => {
  const api = useTestServer(backend);
  const mlflow = mlflowCalls(api);

  async function experiment(name: string): Promise<string> {
    const created = await api.call<{ experiment: { experimentId: string } }>('POST', '/api/v1/experiments', { name });
    expect(created.status).toBe(201);
    return created.body.experiment.experimentId;
  }

  async function startRun(experimentId: string, runName: string): Promise<string> {
    const created = await api.call<RunBody>('POST', '/api/v1/runs', { experimentId, runName });
    expect(created.status).toBe(201);
    return created.body.run.runId;
  }

  const finish = (runId: string) => api.call<RunBody>('PATCH', `/api/v1/runs/${runId}`, { status: 'FINISHED' });
  const completeness = async (runId: string) =>
    (await api.call<RunBody>('GET', `/api/v1/runs/${runId}`)).body.run.completeness;

  async function search(experimentId: string, filter: string): Promise<string[]> {
    const found = await api.call<{ runs: { runName: string }[] }>('POST', '/api/v1/runs/search', {
      experimentIds: [experimentId],
      filter,
      orderBy: ['attributes.run_name ASC'],
    });
    expect(found.status, JSON.stringify(found.body)).toBe(200);
    return found.body.runs.map((r) => r.runName);
  }

  it('marks a run finished without what its experiment requires incomplete, listing what is missing', async () => {
    const exp = await experiment('guarded');
    const put = await api.call<{ scope: string }>('PUT', `/api/v1/experiments/${exp}/run-requirements`, STRICT);
    expect(put.status).toBe(200);
    expect(put.body.scope).toBe(`experiment:${exp}`);

    const bare = await startRun(exp, 'bare');
    expect(await completeness(bare)).toBeNull();
    const finished = await finish(bare);
    expect(finished.status).toBe(200);
    expect(finished.body.run.completeness?.complete).toBe(false);
    expect(finished.body.run.completeness?.missing.map((m) => m.field)).toEqual([
      'params.seed',
      'metrics.val_auc',
      'inputs',
      'tags.mnemo.data_quality',
    ]);

    // Everything logged, but the result is negative (val_auc under 0.7): a note is needed.
    const weak = await startRun(exp, 'weak');
    expect(
      (
        await api.call('POST', `/api/v1/runs/${weak}/batch`, {
          params: { seed: '1' },
          metrics: [{ key: 'val_auc', value: 0.61 }],
          tags: { 'mnemo.data_quality': 'passed' },
        })
      ).status,
    ).toBe(200);
    const inputs = await api.call('POST', `/api/v1/runs/${weak}/inputs`, {
      datasets: [{ name: 'orders', digest: 'abc123', sourceType: 'local', source: '{"uri": "/data/orders"}' }],
    });
    expect(inputs.status).toBe(200);
    const weakDone = await mlflow.post('runs/update', { run_id: weak, status: 'FINISHED' });
    expect(weakDone.status).toBe(200);
    const weakState = await completeness(weak);
    expect(weakState?.complete).toBe(false);
    expect(weakState?.missing).toEqual([
      {
        field: 'tags.mlflow.note.content',
        reason: 'a note is required because the result is negative (val_auc is 0.61, below 0.7)',
      },
    ]);

    const running = await startRun(exp, 'running');
    expect(await search(exp, 'attributes.complete = false')).toEqual(['bare', 'weak']);
    expect(await search(exp, "attributes.complete != 'true'")).toEqual(['bare', 'weak']);
    expect(await search(exp, 'attributes.complete = true')).toEqual(['running']);

    // Writing what is missing to the finished run makes it complete.
    expect(
      (await mlflow.post('runs/set-tag', { run_id: weak, key: 'mlflow.note.content', value: 'Too little data.' }))
        .status,
    ).toBe(200);
    expect(await completeness(weak)).toMatchObject({ complete: true, missing: [] });
    expect(await search(exp, 'attributes.complete = false')).toEqual(['bare']);
    const viaMlflow = await mlflow.post<{ runs: { info: { run_name: string } }[] }>('runs/search', {
      experiment_ids: [exp],
      filter: 'attributes.complete = false',
    });
    expect(viaMlflow.status).toBe(200);
    expect(viaMlflow.body.runs.map((r) => r.info.run_name)).toEqual(['bare']);
    expect(running).toBeTruthy();

    const badFilter = await api.call<{ message: string }>('POST', '/api/v1/runs/search', {
      experimentIds: [exp],
      filter: "attributes.complete = 'maybe'",
    });
    expect(badFilter.status).toBe(400);

    // A failed run is not judged.
    const failed = await startRun(exp, 'failed');
    await api.call('PATCH', `/api/v1/runs/${failed}`, { status: 'FAILED' });
    expect(await completeness(failed)).toBeNull();
  });

  it('joins the server default with the experiment’s own, and says where each part comes from', async () => {
    const exp = await experiment('defaults');
    expect((await api.call('PUT', '/api/v1/run-requirements/server', { params: ['git_commit'] })).status).toBe(200);
    try {
      expect((await api.call('PUT', `/api/v1/experiments/${exp}/run-requirements`, { metrics: ['rmse'] })).status).toBe(
        200,
      );
      const effective = await api.call<{ requirements: { params: string[]; metrics: string[] }; sources: unknown[] }>(
        'GET',
        `/api/v1/experiments/${exp}/run-requirements`,
      );
      expect(effective.body.requirements).toMatchObject({ params: ['git_commit'], metrics: ['rmse'] });
      expect(effective.body.sources).toHaveLength(2);
      const run = await startRun(exp, 'r');
      expect((await finish(run)).body.run.completeness?.missing.map((m) => m.field)).toEqual([
        'params.git_commit',
        'metrics.rmse',
      ]);

      const bad = await api.call<{ error_code: string }>('PUT', `/api/v1/experiments/${exp}/run-requirements`, {
        negativeWhen: [{ metric: 'rmse' }],
      });
      expect(bad.status).toBe(400);
      expect((await api.call('DELETE', `/api/v1/experiments/${exp}/run-requirements`)).status).toBe(200);
      // Finished runs are judged again when their experiment's requirements change.
      expect((await completeness(run))?.missing.map((m) => m.field)).toEqual(['params.git_commit']);
      expect((await api.call('DELETE', `/api/v1/experiments/${exp}/run-requirements`)).status).toBe(404);
      const later = await experiment('defaults-later');
      const early = await startRun(later, 'early');
      await finish(early);
      expect((await completeness(early))?.missing.map((m) => m.field)).toEqual(['params.git_commit']);
      await api.call('PUT', `/api/v1/experiments/${later}/run-requirements`, { datasetInput: true });
      expect((await completeness(early))?.missing.map((m) => m.field)).toEqual(['params.git_commit', 'inputs']);
      expect((await api.call('GET', '/api/v1/teams/nobody/run-requirements')).status).toBe(404);
    } finally {
      expect((await api.call('DELETE', '/api/v1/run-requirements/server')).status).toBe(200);
    }
    expect((await api.call('GET', '/api/v1/run-requirements/server')).status).toBe(404);
    expect((await verifyAuditTrail(api.server.store.db)).problems).toEqual([]);
  });

  it('counts what OpenLineage reports a run consumed, with its quality assertions, as its inputs', async () => {
    expect(
      (await api.call('PUT', '/api/v1/run-requirements/server', { datasetInput: true, dataQualityCheck: true })).status,
    ).toBe(200);
    try {
      const base = {
        producer: 'https://example.com/producer',
        schemaURL: 'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent',
        eventType: 'COMPLETE',
        eventTime: '2024-06-01T10:00:00Z',
        job: { namespace: 'guarded-jobs', name: 'train' },
      };
      const checked = await api.call<{ runId: string }>('POST', '/api/v1/lineage', {
        ...base,
        run: { runId: '0190e0a4-6f00-7000-8000-0000000000c1' },
        inputs: [
          {
            namespace: 's3://lake',
            name: 'features',
            inputFacets: {
              dataQualityAssertions: {
                _producer: base.producer,
                _schemaURL: base.schemaURL,
                assertions: [{ assertion: 'not_null', success: true, column: 'id' }],
              },
            },
          },
        ],
      });
      expect(checked.status).toBe(201);
      expect(await completeness(checked.body.runId)).toMatchObject({ complete: true, missing: [] });

      const unchecked = await api.call<{ runId: string }>('POST', '/api/v1/lineage', {
        ...base,
        run: { runId: '0190e0a4-6f00-7000-8000-0000000000c2' },
      });
      expect(unchecked.status).toBe(201);
      expect((await completeness(unchecked.body.runId))?.missing.map((m) => m.field)).toEqual([
        'inputs',
        'tags.mnemo.data_quality',
      ]);
    } finally {
      expect((await api.call('DELETE', '/api/v1/run-requirements/server')).status).toBe(200);
    }
  });
});
