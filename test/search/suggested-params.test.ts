import { beforeAll, describe, expect, it } from 'vitest';
import type { ParamSuggestions } from '../../src/sdk/wire/search-shapes.js';
import { ADMIN_TOKEN, callAs, ok, userWithToken } from '../access/access-fixture.js';
import { backends } from '../support/backends.js';
import { useTestServer } from '../support/test-server.js';

/**
 * Experiment starters over HTTP: the best finished run of each experiment alike in datasets, task type or tags, and
 * nothing from an experiment the caller may not read.
 */
describe.each(backends)('suggested params on $name', (backend) => {
  const api = useTestServer(backend, { server: { auth: { enabled: true, adminToken: ADMIN_TOKEN } } });
  const admin = (method: string, path: string, body?: unknown) => ok(callAs(api.url, ADMIN_TOKEN, method, path, body));
  let rita = '';
  const ids: Record<string, string> = {};

  async function experiment(name: string, tags: Record<string, string>): Promise<string> {
    const { experiment } = (await admin('POST', '/api/v1/experiments', { name, tags })) as {
      experiment: { experimentId: string };
    };
    ids[name] = experiment.experimentId;
    return experiment.experimentId;
  }

  async function run(
    experimentId: string,
    runName: string,
    options: { params: Record<string, string>; auc: number; dataset?: string; finished?: boolean },
  ): Promise<void> {
    const { run } = (await admin('POST', '/api/v1/runs', { experimentId, runName })) as { run: { runId: string } };
    await admin('POST', `/api/v1/runs/${run.runId}/batch`, {
      params: options.params,
      metrics: [{ key: 'auc', value: options.auc, step: 0, timestamp: 1 }],
    });
    if (options.dataset) {
      await admin('POST', `/api/v1/runs/${run.runId}/inputs`, {
        datasets: [
          {
            name: options.dataset,
            digest: `digest-${options.dataset}`,
            sourceType: 'local',
            source: `/data/${options.dataset}`,
          },
        ],
      });
    }
    if (options.finished !== false) await admin('PATCH', `/api/v1/runs/${run.runId}`, { status: 'FINISHED' });
  }

  beforeAll(async () => {
    rita = await userWithToken(api.url, 'rita');
    const current = await experiment('churn-new', { task_type: 'classification' });
    await run(current, 'first-look', { params: { depth: '3' }, auc: 0.7, dataset: 'churn' });
    const xgb = await experiment('churn-xgb', { task_type: 'classification' });
    await run(xgb, 'shallow', { params: { depth: '6' }, auc: 0.91, dataset: 'churn' });
    await run(xgb, 'deeper', { params: { depth: '8', eta: '0.05' }, auc: 0.93, dataset: 'churn' });
    await run(xgb, 'still-running', { params: { depth: '12' }, auc: 0.99, dataset: 'churn', finished: false });
    const secret = await experiment('churn-secret', { task_type: 'classification' });
    await run(secret, 'hidden-best', { params: { depth: '10' }, auc: 0.97, dataset: 'churn' });
    await admin('PUT', '/api/v1/restrictions', { experiment: secret, restricted: true });
    const fraud = await experiment('fraud', { task_type: 'classification', team: 'risk' });
    await run(fraud, 'fraud-best', { params: { depth: '4' }, auc: 0.95, dataset: 'transactions' });
    // An experiment whose run read the same data according to lineage rather than a logged input.
    const lineage = await experiment('churn-lineage', {});
    const { run: lineageRun } = (await admin('POST', '/api/v1/runs', {
      experimentId: lineage,
      runName: 'via-lineage',
    })) as {
      run: { runId: string };
    };
    await admin('POST', `/api/v1/runs/${lineageRun.runId}/batch`, {
      params: { C: '1' },
      metrics: [{ key: 'auc', value: 0.8, step: 0, timestamp: 1 }],
    });
    const churnTable = (await admin('POST', '/api/v1/lineage/dataset-versions', {
      namespace: 's3://lake',
      name: 'churn',
      version: '2026-01',
    })) as { nodeId: string };
    await admin('POST', '/api/v1/lineage/edges', {
      from: churnTable.nodeId,
      to: `run:${lineageRun.runId}`,
      type: 'consumed',
    });
    await admin('PATCH', `/api/v1/runs/${lineageRun.runId}`, { status: 'FINISHED' });
    // A run that read a restricted dataset: who may not read the dataset never matches on it.
    const pii = await experiment('pii-lab', {});
    const { run: piiRun } = (await admin('POST', '/api/v1/runs', { experimentId: pii, runName: 'pii-best' })) as {
      run: { runId: string };
    };
    await admin('POST', `/api/v1/runs/${piiRun.runId}/batch`, {
      params: { depth: '5' },
      metrics: [{ key: 'auc', value: 0.85, step: 0, timestamp: 1 }],
    });
    const piiTable = (await admin('POST', '/api/v1/lineage/dataset-versions', {
      namespace: 'warehouse',
      name: 'customers-pii',
      version: '1',
    })) as { nodeId: string };
    await admin('POST', '/api/v1/lineage/edges', {
      from: piiTable.nodeId,
      to: `run:${piiRun.runId}`,
      type: 'consumed',
    });
    await admin('PATCH', `/api/v1/runs/${piiRun.runId}`, { status: 'FINISHED' });
    await admin('PUT', '/api/v1/restrictions', { dataset: 'warehouse:customers-pii', restricted: true });
    const images = await experiment('images', { task_type: 'segmentation' });
    await run(images, 'unrelated', { params: { depth: '2' }, auc: 0.999, dataset: 'pictures' });
  });

  const get = (token: string, path: string) => callAs<ParamSuggestions>(api.url, token, 'GET', `/api/v1${path}`);
  const picked = (reply: ParamSuggestions) =>
    reply.suggestions.map((s) => [s.experimentName, s.runName, s.metric.value, s.similarity]);

  it('proposes the best finished run of each alike experiment, most alike first, with why', async () => {
    const reply = await ok(get(ADMIN_TOKEN, `/experiments/${ids['churn-new']}/suggested-params`));
    expect(reply.metricKey).toBe('auc');
    expect(picked(reply)).toEqual([
      ['churn-secret', 'hidden-best', 0.97, 5],
      ['churn-xgb', 'deeper', 0.93, 5],
      ['churn-lineage', 'via-lineage', 0.8, 3],
      ['fraud', 'fraud-best', 0.95, 2],
    ]);
    expect(reply.suggestions[1]?.params).toEqual({ depth: '8', eta: '0.05' });
    expect(reply.suggestions[1]?.reasons).toEqual([
      "trained on the same dataset 'churn'",
      "same task type 'classification'",
      "best auc (0.93, highest) of 2 runs in experiment 'churn-xgb'",
    ]);
  });

  it('never compares or proposes an experiment the caller may not read', async () => {
    const reply = await ok(get(rita, `/experiments/${ids['churn-new']}/suggested-params`));
    expect(picked(reply)).toEqual([
      ['churn-xgb', 'deeper', 0.93, 5],
      ['churn-lineage', 'via-lineage', 0.8, 3],
      ['fraud', 'fraud-best', 0.95, 2],
    ]);
    const hidden = await get(rita, `/experiments/${ids['churn-secret']}/suggested-params`);
    expect([403, 404]).toContain(hidden.status);
    expect(JSON.stringify(hidden.body)).not.toContain('hidden-best');
  });

  it('never matches on, or names, a dataset the caller may not read', async () => {
    const path = '/suggested-params?dataset=customers-pii';
    expect(picked(await ok(get(ADMIN_TOKEN, path)))).toEqual([['pii-lab', 'pii-best', 0.85, 3]]);
    expect(await ok(get(rita, path))).toEqual({ metricKey: null, suggestions: [] });
  });

  it('describes a new experiment by dataset, task type and tags', async () => {
    const byData = await ok(get(rita, '/suggested-params?dataset=churn&limit=1'));
    expect(picked(byData)).toEqual([['churn-xgb', 'deeper', 0.93, 3]]);
    const byTag = await ok(get(rita, '/suggested-params?tag=team%3Drisk&taskType=classification'));
    expect(picked(byTag)).toEqual([
      ['fraud', 'fraud-best', 0.95, 3],
      ['churn-xgb', 'deeper', 0.93, 2],
      ['churn-new', 'first-look', 0.7, 2],
    ]);
    const none = await ok(get(rita, '/suggested-params?taskType=forecasting'));
    expect(none).toEqual({ metricKey: null, suggestions: [] });
  });

  it('answers 400 or 404 for bad input', async () => {
    for (const [path, status, code] of [
      ['/suggested-params', 400, 'INVALID_PARAMETER_VALUE'],
      ['/suggested-params?tag=no-equals', 400, 'INVALID_PARAMETER_VALUE'],
      ['/suggested-params?dataset=churn&limit=0', 400, 'INVALID_PARAMETER_VALUE'],
      ['/suggested-params?dataset=churn&limit=abc', 400, undefined],
      ['/suggested-params?dataset=churn&bogus=1', 400, undefined],
      ['/experiments/999999/suggested-params', 404, 'RESOURCE_DOES_NOT_EXIST'],
    ] as const) {
      const reply = await callAs<{ error_code: string; message: string }>(
        api.url,
        ADMIN_TOKEN,
        'GET',
        `/api/v1${path}`,
      );
      expect([path, reply.status]).toEqual([path, status]);
      expect(typeof reply.body.message).toBe('string');
      if (code) expect(reply.body.error_code).toBe(code);
    }
  });
});
