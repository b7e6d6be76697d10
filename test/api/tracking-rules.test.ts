import { describe, expect, it } from 'vitest';
import { mlflowCalls } from '../mlflow/support/mlflow-calls.js';
import { backends } from '../support/backends.js';
import { useTestServer } from '../support/test-server.js';

type Violation = { rule: string; path: string; message: string };
type Refusal = {
  error_code: string;
  message: string;
  schema: { subject: string; version: number } | null;
  violations: Violation[];
};
type RunBody = { run: { runId: string; status: string; params: Record<string, string>; tags: Record<string, string> } };

/** A run schema for one experiment: a numeric seed param once finished, a team tag from a closed list. */
const RUN_SCHEMA = {
  type: 'object',
  required: ['params'],
  properties: {
    params: {
      type: 'object',
      required: ['seed'],
      properties: { seed: { type: 'string', pattern: '^[0-9]+$' } },
    },
    tags: { type: 'object', properties: { team: { enum: ['fraud', 'search'] } } },
  },
};

describe.each(backends)('tracking under the server rules on $name', (backend) => {
  const api = useTestServer(backend);
  const mlflow = mlflowCalls(api);

  async function experiment(name: string): Promise<string> {
    const created = await api.call<{ experiment: { experimentId: string } }>('POST', '/api/v1/experiments', { name });
    expect(created.status).toBe(201);
    return created.body.experiment.experimentId;
  }

  async function runCount(experimentId: string): Promise<number> {
    const found = await api.call<{ runs: unknown[] }>('POST', '/api/v1/runs/search', {
      experimentIds: [experimentId],
      viewType: 'ALL',
    });
    return found.body.runs.length;
  }

  it('refuses a native run breaking its naming rule, a vocabulary and its schema with every violation', async () => {
    const exp = await experiment('rules-native');
    expect((await api.call('POST', '/api/v1/schemas/run:rules-native/versions', { schema: RUN_SCHEMA })).status).toBe(
      201,
    );
    expect((await api.call('PUT', '/api/v1/naming-rules/run', { pattern: '^[a-z]+-[0-9]+$' })).status).toBe(200);
    expect(
      (
        await api.call('PUT', '/api/v1/vocabularies/stage', {
          terms: [
            { value: 'dev', description: null },
            { value: 'prod', description: null },
          ],
        })
      ).status,
    ).toBe(200);
    try {
      const refused = await api.call<Refusal>('POST', '/api/v1/runs', {
        experimentId: exp,
        runName: 'Bad Name',
        tags: { team: 'marketing', stage: 'qa' },
      });
      expect(refused.status).toBe(400);
      expect(refused.body.error_code).toBe('INVALID_PARAMETER_VALUE');
      expect(refused.body.schema).toEqual({ subject: 'run:rules-native', version: 1 });
      expect(refused.body.violations.map((v) => [v.rule, v.path])).toEqual([
        ['naming_rule', '/name'],
        ['vocabulary', '/tags/stage'],
        ['metadata_schema', '/tags/team'],
      ]);
      expect(refused.body.message).toContain('3 violations');
      expect(await runCount(exp)).toBe(0);

      // While running, a required param may still be missing; what is there must conform.
      const created = await api.call<RunBody>('POST', '/api/v1/runs', {
        experimentId: exp,
        runName: 'baseline-1',
        tags: { team: 'fraud', stage: 'dev' },
      });
      expect(created.status).toBe(201);
      const runId = created.body.run.runId;
      const badSeed = await api.call<Refusal>('POST', `/api/v1/runs/${runId}/batch`, {
        params: { seed: 'abc' },
        tags: { stage: 'staging' },
      });
      expect(badSeed.status).toBe(400);
      expect(badSeed.body.violations.map((v) => v.path)).toEqual(['/tags/stage', '/params/seed']);
      const afterRefusal = await api.call<RunBody>('GET', `/api/v1/runs/${runId}`);
      expect(afterRefusal.body.run.params).toEqual({});
      expect(afterRefusal.body.run.tags.stage).toBe('dev');

      // Finishing checks the whole schema: without its seed the run stays RUNNING.
      const unfinished = await api.call<Refusal>('PATCH', `/api/v1/runs/${runId}`, { status: 'FINISHED' });
      expect(unfinished.status).toBe(400);
      expect(unfinished.body.violations).toEqual([
        { rule: 'metadata_schema', path: '/params/seed', message: 'is required' },
      ]);
      expect((await api.call<RunBody>('GET', `/api/v1/runs/${runId}`)).body.run.status).toBe('RUNNING');
      expect((await api.call('POST', `/api/v1/runs/${runId}/batch`, { params: { seed: '7' } })).status).toBe(200);
      const renamed = await api.call<Refusal>('PATCH', `/api/v1/runs/${runId}`, { runName: 'BAD' });
      expect(renamed.body.violations.map((v) => v.rule)).toEqual(['naming_rule']);
      const finished = await api.call<RunBody>('PATCH', `/api/v1/runs/${runId}`, { status: 'FINISHED' });
      expect(finished.status).toBe(200);
      expect(finished.body.run.status).toBe('FINISHED');
    } finally {
      await api.call('DELETE', '/api/v1/naming-rules/run');
      await api.call('DELETE', '/api/v1/vocabularies/stage');
    }
  });

  it('applies the same rules to experiments and runs written through the MLflow API', async () => {
    expect((await api.call('PUT', '/api/v1/naming-rules/experiment', { pattern: '^team-[a-z]+/' })).status).toBe(200);
    try {
      const badExperiment = await mlflow.post<Refusal>('experiments/create', { name: 'scratch' });
      expect(badExperiment.status).toBe(400);
      expect(badExperiment.body.violations).toEqual([
        {
          rule: 'naming_rule',
          path: '/name',
          message: "Name 'scratch' does not follow the naming rule for experiment: ^team-[a-z]+/",
        },
      ]);
      expect((await mlflow.get('experiments/get-by-name', { experiment_name: 'scratch' })).status).toBe(404);
      const created = await mlflow.post<{ experiment_id: string }>('experiments/create', { name: 'team-fraud/rules' });
      expect(created.status).toBe(200);
      const exp = created.body.experiment_id;
      const renamed = await api.call<Refusal>('PATCH', `/api/v1/experiments/${exp}`, { name: 'renamed' });
      expect(renamed.status).toBe(400);

      expect(
        (await api.call('POST', '/api/v1/schemas/run:team-fraud%2Frules/versions', { schema: RUN_SCHEMA })).status,
      ).toBe(201);
      const badRun = await mlflow.post<Refusal>('runs/create', {
        experiment_id: exp,
        tags: [{ key: 'team', value: 'ads' }],
      });
      expect(badRun.status).toBe(400);
      expect(badRun.body.violations.map((v) => v.path)).toEqual(['/tags/team']);
      expect(await runCount(exp)).toBe(0);

      const run = await mlflow.post<{ run: { info: { run_id: string } } }>('runs/create', { experiment_id: exp });
      expect(run.status).toBe(200);
      const runId = run.body.run.info.run_id;
      const badTag = await mlflow.post<Refusal>('runs/set-tag', { run_id: runId, key: 'team', value: 'ads' });
      expect(badTag.status).toBe(400);
      expect(badTag.body.violations.map((v) => v.path)).toEqual(['/tags/team']);
      const badParam = await mlflow.post<Refusal>('runs/log-parameter', { run_id: runId, key: 'seed', value: 'x' });
      expect(badParam.status).toBe(400);
      const badBatch = await mlflow.post<Refusal>('runs/log-batch', {
        run_id: runId,
        params: [{ key: 'seed', value: 'y' }],
        tags: [{ key: 'team', value: 'ads' }],
      });
      expect(badBatch.body.violations.map((v) => v.path)).toEqual(['/params/seed', '/tags/team']);
      const early = await mlflow.post<Refusal>('runs/update', { run_id: runId, status: 'FINISHED' });
      expect(early.status).toBe(400);
      expect(early.body.violations.map((v) => `${v.path} ${v.message}`)).toEqual(['/params/seed is required']);
      expect((await mlflow.post('runs/log-parameter', { run_id: runId, key: 'seed', value: '42' })).status).toBe(200);
      expect((await mlflow.post('runs/update', { run_id: runId, status: 'FINISHED' })).status).toBe(200);
    } finally {
      await api.call('DELETE', '/api/v1/naming-rules/experiment');
    }
  });

  it('refuses datasets that break their rules, registered or reported by OpenLineage, storing nothing', async () => {
    expect((await api.call('PUT', '/api/v1/naming-rules/dataset', { pattern: '^[a-z_.]+$' })).status).toBe(200);
    expect(
      (
        await api.call('POST', '/api/v1/schemas/dataset/versions', {
          schema: {
            type: 'object',
            required: ['description'],
            properties: { namespace: { type: 'string', pattern: '^s3://' } },
          },
        })
      ).status,
    ).toBe(201);
    try {
      const refused = await api.call<Refusal>('POST', '/api/v1/lineage/datasets', {
        namespace: 'warehouse',
        name: 'Orders Raw',
      });
      expect(refused.status).toBe(400);
      expect(refused.body.schema).toEqual({ subject: 'dataset', version: 1 });
      expect(refused.body.violations.map((v) => [v.rule, v.path])).toEqual([
        ['naming_rule', '/name'],
        ['metadata_schema', '/description'],
        ['metadata_schema', '/namespace'],
      ]);
      const registered = await api.call('POST', '/api/v1/lineage/datasets', {
        namespace: 's3://lake',
        name: 'orders_raw',
        description: 'Orders as exported nightly',
      });
      expect(registered.status).toBe(201);

      const event = {
        eventType: 'COMPLETE',
        eventTime: '2024-06-01T10:00:00Z',
        producer: 'https://example.com/producer',
        schemaURL: 'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent',
        run: { runId: '0190e0a4-6f00-7000-8000-00000000c0de' },
        job: { namespace: 'rules-jobs', name: 'load' },
        inputs: [{ namespace: 's3://lake', name: 'Orders Raw' }],
      };
      const ingested = await api.call<Refusal>('POST', '/api/v1/lineage', event);
      expect(ingested.status).toBe(400);
      expect(ingested.body.violations.map((v) => v.rule)).toEqual(['naming_rule', 'metadata_schema']);
      const versions = await api.call(
        'GET',
        '/api/v1/lineage/dataset-versions?namespace=s3%3A%2F%2Flake&name=Orders%20Raw',
      );
      expect(versions.status).toBe(404);
      expect((await api.call('GET', '/api/v1/experiments/by-name/rules-jobs')).status).toBe(404);
    } finally {
      await api.call('DELETE', '/api/v1/naming-rules/dataset');
      // A later version accepting anything lifts the dataset schema for the other tests.
      await api.call('POST', '/api/v1/schemas/dataset/versions', { schema: true, compatibility: 'NONE' });
    }
  });
});
