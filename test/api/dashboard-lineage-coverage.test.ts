import { beforeAll, describe, expect, it } from 'vitest';
import type { WireExperimentDashboard } from '../../src/sdk/wire/dashboard-shapes.js';
import { ADMIN_TOKEN, callAs, grant, ok, userWithToken } from '../access/access-fixture.js';
import { backends } from '../support/backends.js';
import { useTestServer } from '../support/test-server.js';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 2, 9);

/**
 * Lineage completeness over time and validation coverage on an experiment's dashboard, over HTTP: each figure names
 * the runs and versions behind it, and a restricted model never adds to a reader's counts.
 */
describe.each(backends)('dashboard lineage completeness and validation coverage on $name', (backend) => {
  const api = useTestServer(backend, { server: { auth: { enabled: true, adminToken: ADMIN_TOKEN } } });
  const as = <T>(token: string, method: string, path: string, body?: unknown) =>
    callAs<T>(api.url, token, method, path, body);
  const admin = <T = Record<string, unknown>>(method: string, path: string, body?: unknown) =>
    ok(as<T>(ADMIN_TOKEN, method, path, body));
  let reader = '';
  let experimentId = '';
  const run: Record<string, string> = {};

  async function startRun(name: string, startTime: number, tags: Record<string, string> = {}) {
    const created = await admin<{ run: { runId: string } }>('POST', '/api/v1/runs', {
      experimentId,
      runName: name,
      startTime,
      tags,
    });
    run[name] = created.run.runId;
    return created.run.runId;
  }
  const finish = (runId: string, at: number) =>
    admin('PATCH', `/api/v1/runs/${runId}`, { status: 'FINISHED', endTime: at + 1000 });
  const logInput = (runId: string) =>
    admin('POST', `/api/v1/runs/${runId}/inputs`, {
      datasets: [{ name: 'claims', digest: 'd1', sourceType: 'local', source: '{"uri": "/data/claims"}' }],
    });

  async function register(model: string, runId: string): Promise<void> {
    const upload = await fetch(`${api.url}/api/v1/runs/${runId}/artifacts/model/model.bin`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      body: `weights from ${runId}`,
    });
    expect(upload.status).toBeLessThan(300);
    const existing = await as(ADMIN_TOKEN, 'GET', `/api/v1/registered-models/${model}`);
    if (existing.status === 404) await admin('POST', '/api/v1/registered-models', { name: model });
    await admin('POST', `/api/v1/registered-models/${model}/versions`, { source: `runs:/${runId}/model`, runId });
  }

  beforeAll(async () => {
    reader = await userWithToken(api.url, 'dana');
    const approver = await userWithToken(api.url, 'rita');
    experimentId = (
      await admin<{ experiment: { experimentId: string } }>('POST', '/api/v1/experiments', { name: 'claims' })
    ).experiment.experimentId;

    // Day one: one run with data, code and environment recorded; one with its data only.
    const full = await startRun('full', T0 + 1000, {
      'mlflow.source.git.commit': 'a'.repeat(40),
      'mlflow.docker.image': 'trainer:1.2',
    });
    await logInput(full);
    await finish(full, T0 + 1000);
    const dataOnly = await startRun('data-only', T0 + 2000);
    await logInput(dataOnly);
    await finish(dataOnly, T0 + 2000);
    // Day two: code and environment recorded in the lineage graph, no data; and a run still going (not judged).
    const graphed = await startRun('graphed', T0 + DAY + 1000);
    const code = await admin<{ nodeId: string }>('POST', '/api/v1/lineage/code-refs', {
      repository: 'https://git.example/claims',
      commit: 'b'.repeat(40),
    });
    const environment = await admin<{ nodeId: string }>('POST', '/api/v1/lineage/environments', {
      os: 'Linux 6.1',
      runtime: 'python 3.11',
      packages: { numpy: '1.26.0' },
      hardware: { cpuCount: 2 },
    });
    for (const from of [code.nodeId, environment.nodeId]) {
      await admin('POST', '/api/v1/lineage/edges', { from, to: `run:${graphed}`, type: 'depends_on' });
    }
    await finish(graphed, T0 + DAY + 1000);
    await startRun('still-going', T0 + DAY + 5000);

    // claims-open v1 (trained by `full`) reaches Production through an approved request, with fairness and slice
    // evaluations: fully covered. v2 (trained by `graphed`, no data) is deployed with no evidence at all.
    await register('claims-open', full);
    await register('claims-open', graphed);
    await admin('POST', '/api/v1/registered-models/claims-open/versions/1/checks', {
      checks: [{ kind: 'fairness', name: 'parity', passed: true, value: 0.01, threshold: 0.05 }],
    });
    await admin('POST', '/api/v1/registered-models/claims-open/versions/1/evaluations', {
      results: [
        { metric: 'auc', value: 0.91 },
        { metric: 'auc', value: 0.88, slice: 'region=north' },
      ],
    });
    // An evaluation of the whole dataset is not a slice evaluation.
    await admin('POST', '/api/v1/registered-models/claims-open/versions/2/evaluations', {
      results: [{ metric: 'auc', value: 0.9 }],
    });
    await admin('PUT', '/api/v1/registered-models/claims-open/protection', { stages: ['Production'], approvals: 1 });
    await grant(api.url, { role: 'manager', user: 'rita', model: 'claims-open' });
    const requested = await as<{ transitionRequest: { id: string } }>(
      ADMIN_TOKEN,
      'POST',
      '/api/v1/registered-models/claims-open/versions/1/stage',
      { stage: 'Production' },
    );
    expect(requested.status, JSON.stringify(requested.body)).toBe(202);
    await ok(as(approver, 'POST', `/api/v1/transition-requests/${requested.body.transitionRequest.id}/approve`, {}));
    const target = await admin<{ deploymentTarget: { targetId: string } }>(
      'POST',
      '/api/v1/lineage/deployment-targets',
      {
        name: 'claims-eu',
      },
    );
    await admin('POST', '/api/v1/lineage/deployments', {
      modelId: 'claims-open',
      version: 2,
      targetId: target.deploymentTarget.targetId,
      status: 'ACTIVE',
    });

    // A restricted model in Production, trained by `data-only`: the reader must not see it anywhere.
    await register('claims-secret', dataOnly);
    // Production is protected server-wide: an administrator breaks the glass, which is not an approval.
    const held = await as<{ transitionRequest: { id: string } }>(
      ADMIN_TOKEN,
      'POST',
      '/api/v1/registered-models/claims-secret/versions/1/stage',
      { stage: 'Production' },
    );
    expect(held.status).toBe(202);
    await admin('POST', `/api/v1/transition-requests/${held.body.transitionRequest.id}/break-glass`, {
      reason: 'outage',
    });
    await admin('PUT', '/api/v1/restrictions', { model: 'claims-secret', restricted: true });
  });

  const dashboard = async (token: string) => {
    const reply = await as<WireExperimentDashboard>(token, 'GET', `/api/v1/experiments/${experimentId}/dashboard`);
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    return reply.body;
  };

  it('gives run lineage completeness per day with the runs behind each figure and what each lacks', async () => {
    const { lineage } = await dashboard(reader);
    expect(lineage.runs).toEqual([
      {
        day: T0,
        judged: 2,
        complete: 1,
        share: 0.5,
        missingCounts: { data: 0, code: 1, environment: 1 },
        runs: expect.arrayContaining([
          { runId: run.full, runName: 'full', experimentId, missing: [] },
          { runId: run['data-only'], runName: 'data-only', experimentId, missing: ['code', 'environment'] },
        ]),
      },
      {
        day: T0 + DAY,
        judged: 1,
        complete: 0,
        share: 0,
        missingCounts: { data: 1, code: 0, environment: 0 },
        runs: [{ runId: run.graphed, runName: 'graphed', experimentId, missing: ['data'] }],
      },
    ]);
  });

  it('gives model version lineage completeness, leaving out versions of a model the reader may not read', async () => {
    const entities = (body: WireExperimentDashboard) =>
      body.lineage.versions.flatMap((d) => d.versions.map((v) => [v.modelName, v.version, v.missing])).sort();
    expect(entities(await dashboard(reader))).toEqual([
      ['claims-open', 1, []],
      ['claims-open', 2, ['training_data']],
    ]);
    const readerDays = (await dashboard(reader)).lineage.versions;
    expect(readerDays.reduce((n, d) => n + d.judged, 0)).toBe(2);
    expect(readerDays.reduce((n, d) => n + d.complete, 0)).toBe(1);
    expect(entities(await dashboard(ADMIN_TOKEN))).toEqual([
      ['claims-open', 1, []],
      ['claims-open', 2, ['training_data']],
      ['claims-secret', 1, []],
    ]);
  });

  it('covers Production and deployed versions by fairness checks, slice evaluations and approvals', async () => {
    const { validationCoverage } = await dashboard(reader);
    expect(validationCoverage).toEqual({
      serving: 2,
      covered: 1,
      share: 0.5,
      withEvidence: { fairness: 1, slice_evaluation: 1, approval: 1 },
      versions: [
        {
          modelName: 'claims-open',
          version: 2,
          stage: 'None',
          reasons: ['deployed'],
          fairness: false,
          sliceEvaluation: false,
          approval: false,
          missing: ['fairness', 'slice_evaluation', 'approval'],
        },
        {
          modelName: 'claims-open',
          version: 1,
          stage: 'Production',
          reasons: ['production'],
          fairness: true,
          sliceEvaluation: true,
          approval: true,
          missing: [],
        },
      ],
    });
    const asAdmin = (await dashboard(ADMIN_TOKEN)).validationCoverage;
    expect(asAdmin).toMatchObject({ serving: 3, covered: 1, withEvidence: { fairness: 1, approval: 1 } });
    expect(asAdmin.versions.find((v) => v.modelName === 'claims-secret')).toMatchObject({
      version: 1,
      reasons: ['production'],
      missing: ['fairness', 'slice_evaluation', 'approval'],
    });
  });
});
