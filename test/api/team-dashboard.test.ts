import { beforeAll, describe, expect, it } from 'vitest';
import type { WireTeamDashboard } from '../../src/sdk/wire/dashboard-shapes.js';
import { ADMIN_TOKEN, callAs, grant, ok, userWithToken } from '../access/access-fixture.js';
import { backends } from '../support/backends.js';
import { useTestServer } from '../support/test-server.js';

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 3, 6);
const NORMAL = [0.9, 0.91, 0.89, 0.9, 0.92, 0.9, 0.91];

/**
 * A team's dashboard over HTTP: it gathers the experiments the team manages and the models it owns, judges
 * anomalies within each experiment, and a reader who may not see one of the experiments finds no trace of it.
 */
describe.each(backends)('team dashboard on $name', (backend) => {
  const api = useTestServer(backend, { server: { auth: { enabled: true, adminToken: ADMIN_TOKEN } } });
  const as = <T>(token: string, method: string, path: string, body?: unknown) =>
    callAs<T>(api.url, token, method, path, body);
  const admin = <T = Record<string, unknown>>(method: string, path: string, body?: unknown) =>
    ok(as<T>(ADMIN_TOKEN, method, path, body));
  let reader = '';
  const experiment: Record<string, string> = {};
  const planted: Record<string, string> = {};
  let sourceRun = '';

  async function seedExperiment(name: string, starter: string, plantedValue: number): Promise<void> {
    const created = await admin<{ experiment: { experimentId: string } }>('POST', '/api/v1/experiments', { name });
    experiment[name] = created.experiment.experimentId;
    if (name !== 'marketing') await grant(api.url, { role: 'manager', team: 'fraud', experiment: experiment[name] });
    const token = await userToken(starter);
    await grant(api.url, { role: 'editor', user: starter, experiment: created.experiment.experimentId });
    for (const [i, value] of [...NORMAL, plantedValue].entries()) {
      const startTime = T0 + i * HOUR;
      const run = await ok(
        as<{ run: { runId: string } }>(token, 'POST', '/api/v1/runs', {
          experimentId: created.experiment.experimentId,
          runName: i === NORMAL.length ? 'planted' : `run-${i}`,
          startTime,
        }),
      );
      await admin('POST', `/api/v1/runs/${run.run.runId}/batch`, {
        metrics: [{ key: 'auc', value, step: 0, timestamp: startTime + 1 }],
      });
      await admin('PATCH', `/api/v1/runs/${run.run.runId}`, { status: 'FINISHED', endTime: startTime + 1000 });
      if (i === NORMAL.length) planted[name] = run.run.runId;
      if (i === 0 && name === 'fraud-scoring') sourceRun = run.run.runId;
    }
  }
  const tokens: Record<string, string> = {};
  const userToken = async (name: string) => {
    tokens[name] ??= await userWithToken(api.url, name);
    return tokens[name]!;
  };

  beforeAll(async () => {
    reader = await userToken('dana');
    await admin('POST', '/api/v1/teams', { name: 'fraud' });
    // Runs of the team's experiments must log a seed; none does, so each is judged incomplete.
    await admin('PUT', '/api/v1/teams/fraud/run-requirements', { params: ['seed'] });
    await seedExperiment('fraud-scoring', 'ann', 0.41);
    await seedExperiment('fraud-secret', 'eve', 0.12);
    await seedExperiment('marketing', 'bob', 0.3);
    await admin('PUT', '/api/v1/restrictions', { experiment: experiment['fraud-secret'], restricted: true });

    // A model the team owns, trained in its experiment and put in Production with nothing validating it.
    const upload = await fetch(`${api.url}/api/v1/runs/${sourceRun}/artifacts/model/model.bin`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      body: 'weights',
    });
    expect(upload.status).toBeLessThan(300);
    await admin('POST', '/api/v1/registered-models', { name: 'fraud-model', ownerTeam: 'fraud' });
    await admin('POST', '/api/v1/registered-models/fraud-model/versions', {
      source: `runs:/${sourceRun}/model`,
      runId: sourceRun,
    });
    const held = await as<{ transitionRequest: { id: string } }>(
      ADMIN_TOKEN,
      'POST',
      '/api/v1/registered-models/fraud-model/versions/1/stage',
      { stage: 'Production' },
    );
    expect(held.status).toBe(202);
    await admin('POST', `/api/v1/transition-requests/${held.body.transitionRequest.id}/break-glass`, {
      reason: 'launch',
    });
  });

  const dashboard = async (token: string, query = '') => {
    const reply = await as<WireTeamDashboard>(token, 'GET', `/api/v1/teams/fraud/dashboard${query}`);
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    return reply.body;
  };

  it("gathers the team's experiments and models, flagging anomalies within each experiment", async () => {
    const body = await dashboard(ADMIN_TOKEN);
    expect(body.team).toBe('fraud');
    expect(body.experiments.map((e) => [e.name, e.runCount, e.anomalies])).toEqual([
      ['fraud-scoring', 8, 1],
      ['fraud-secret', 8, 1],
    ]);
    expect(body.anomalies.map((a) => [a.experimentName, a.runId, a.metric]).sort()).toEqual(
      [
        ['fraud-scoring', planted['fraud-scoring'], 'auc'],
        ['fraud-secret', planted['fraud-secret'], 'auc'],
      ].sort(),
    );
    const flag = body.anomalies.find((a) => a.experimentName === 'fraud-scoring')!;
    expect(flag).toMatchObject({ value: 0.41, median: 0.9, threshold: 3.5, experimentId: experiment['fraud-scoring'] });
    expect(flag.windowRunIds).toHaveLength(NORMAL.length);
    expect(body.metrics.map((m) => [m.experimentName, m.key, m.points.length])).toEqual([
      ['fraud-scoring', 'auc', 8],
      ['fraud-secret', 'auc', 8],
    ]);
    expect(body.runsByUser).toEqual([
      { userId: 'ann', runs: 8, finished: 8, failed: 0 },
      { userId: 'eve', runs: 8, finished: 8, failed: 0 },
    ]);
    expect(body.models).toEqual([{ name: 'fraud-model', versions: 1 }]);
    expect(body.completeness.reduce((n, d) => n + d.judged, 0)).toBe(16);
    expect(body.failedChecks.filter((c) => c.kind === 'completeness')).toHaveLength(16);
    expect(body.lineage.runs.reduce((n, d) => n + d.judged, 0)).toBe(16);
    expect(body.validationCoverage).toMatchObject({ serving: 1, covered: 0, share: 0 });
    expect(body.validationCoverage.versions[0]).toMatchObject({ modelName: 'fraud-model', version: 1 });
  });

  it('leaves an experiment the reader may not see out of every list and count', async () => {
    const body = await dashboard(reader);
    expect(body.experiments.map((e) => e.name)).toEqual(['fraud-scoring']);
    expect(body.anomalies.map((a) => a.runId)).toEqual([planted['fraud-scoring']]);
    expect(body.metrics.map((m) => m.experimentName)).toEqual(['fraud-scoring']);
    expect(body.runsByUser).toEqual([{ userId: 'ann', runs: 8, finished: 8, failed: 0 }]);
    expect(body.completeness.reduce((n, d) => n + d.judged, 0)).toBe(8);
    expect(body.failedChecks.map((c) => c.experimentName)).toEqual(Array(8).fill('fraud-scoring'));
    const lineageRuns = body.lineage.runs.flatMap((d) => d.runs);
    expect(lineageRuns).toHaveLength(8);
    expect(lineageRuns.every((r) => r.experimentId === experiment['fraud-scoring'])).toBe(true);
    expect(JSON.stringify(body)).not.toContain(experiment['fraud-secret']!);
    expect(JSON.stringify(body)).not.toContain('eve');
  });

  it('hides a model the reader may not see from the models, lineage and coverage', async () => {
    await admin('PUT', '/api/v1/restrictions', { model: 'fraud-model', restricted: true });
    try {
      const body = await dashboard(reader);
      expect(body.models).toEqual([]);
      expect(body.validationCoverage).toMatchObject({ serving: 0, share: null, versions: [] });
      expect(body.lineage.versions).toEqual([]);
      expect((await dashboard(ADMIN_TOKEN)).validationCoverage.serving).toBe(1);
    } finally {
      await admin('PUT', '/api/v1/restrictions', { model: 'fraud-model', restricted: false });
    }
  });

  it('learns nothing of a hidden source run: a readable version trained there has its data counted as unrecorded', async () => {
    // A readable model of the team whose version was trained in the experiment the reader may not see, by a run
    // that logged its training data.
    const hiddenRun = planted['fraud-secret']!;
    await admin('POST', `/api/v1/runs/${hiddenRun}/inputs`, {
      datasets: [{ name: 'card-payments', digest: 'd1', sourceType: 'local', source: '/data/payments.csv' }],
    });
    await fetch(`${api.url}/api/v1/runs/${hiddenRun}/artifacts/model/model.bin`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      body: 'weights',
    });
    await admin('POST', '/api/v1/registered-models', { name: 'fraud-shadow', ownerTeam: 'fraud' });
    await admin('POST', '/api/v1/registered-models/fraud-shadow/versions', {
      source: `runs:/${hiddenRun}/model`,
      runId: hiddenRun,
    });
    try {
      const missingOf = (body: WireTeamDashboard) =>
        body.lineage.versions.flatMap((d) => d.versions).find((v) => v.modelName === 'fraud-shadow')?.missing;
      expect(missingOf(await dashboard(ADMIN_TOKEN))).toEqual([]);
      expect(missingOf(await dashboard(reader))).toEqual(['training_data']);
    } finally {
      await admin('DELETE', '/api/v1/registered-models/fraud-shadow');
    }
  });

  it('answers bad input with 400 and an unknown team with 404', async () => {
    const bad = await as<{ error_code: string; message: string }>(reader, 'GET', '/api/v1/teams/fraud/dashboard?z=-1');
    expect(bad.status).toBe(400);
    expect(bad.body.error_code).toBe('INVALID_PARAMETER_VALUE');
    const missing = await as<{ error_code: string }>(reader, 'GET', '/api/v1/teams/nobody/dashboard');
    expect(missing.status).toBe(404);
    expect(missing.body.error_code).toBe('RESOURCE_DOES_NOT_EXIST');
    const anonymous = await callAs(api.url, undefined, 'GET', '/api/v1/teams/fraud/dashboard');
    expect(anonymous.status).toBe(401);
  });
});
