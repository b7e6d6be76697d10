import { beforeAll, describe, expect, it } from 'vitest';
import type { WireExperimentDashboard } from '../../src/sdk/wire/dashboard-shapes.js';
import { ADMIN_TOKEN, callAs, grant, ok, userWithToken } from '../access/access-fixture.js';
import { backends } from '../support/backends.js';
import { useTestServer } from '../support/test-server.js';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 0, 5);
/** Accuracy of the normal runs: close together, so the planted run stands out and none of them does. */
const NORMAL = [0.8, 0.81, 0.79, 0.8, 0.82, 0.8, 0.81, 0.79, 0.8, 0.8, 0.81];
const PLANTED = 0.31;

/**
 * An experiment's dashboard over HTTP: a planted anomaly is flagged with its evidence and normal runs are not;
 * failed checks link runs and versions, and checks of a model the caller may not read are left out.
 */
describe.each(backends)('experiment dashboard on $name', (backend) => {
  const api = useTestServer(backend, { server: { auth: { enabled: true, adminToken: ADMIN_TOKEN } } });
  const as = <T>(token: string, method: string, path: string, body?: unknown) =>
    callAs<T>(api.url, token, method, path, body);
  const admin = <T = Record<string, unknown>>(method: string, path: string, body?: unknown) =>
    ok(as<T>(ADMIN_TOKEN, method, path, body));
  let reader = '';
  let experimentId = '';
  const runIds: string[] = [];

  async function registerFrom(runId: string, model: string): Promise<void> {
    const upload = await fetch(`${api.url}/api/v1/runs/${runId}/artifacts/model/model.bin`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      body: `weights of ${model}`,
    });
    expect(upload.status).toBeLessThan(300);
    await admin('POST', '/api/v1/registered-models', { name: model });
    await admin('POST', `/api/v1/registered-models/${model}/versions`, { source: `runs:/${runId}/model`, runId });
  }

  beforeAll(async () => {
    reader = await userWithToken(api.url, 'dana');
    const created = await admin<{ experiment: { experimentId: string } }>('POST', '/api/v1/experiments', {
      name: 'churn',
    });
    experimentId = created.experiment.experimentId;
    // Two people start runs, each under their own name.
    const starters: Record<string, string> = {};
    for (const name of ['ann', 'bob']) {
      starters[name] = await userWithToken(api.url, name);
      await grant(api.url, { role: 'editor', user: name, experiment: experimentId });
    }
    // Every finished run must log a seed: runs without one are judged incomplete.
    await admin('PUT', `/api/v1/experiments/${experimentId}/run-requirements`, { params: ['seed'] });
    const values = [...NORMAL, PLANTED];
    for (const [i, accuracy] of values.entries()) {
      const startTime = T0 + i * (DAY / 2);
      const starter = starters[i % 3 === 0 ? 'ann' : 'bob']!;
      const run = await ok(
        as<{ run: { runId: string } }>(starter, 'POST', '/api/v1/runs', {
          experimentId,
          runName: `run-${i}`,
          startTime,
        }),
      );
      const runId = run.run.runId;
      runIds.push(runId);
      await admin('POST', `/api/v1/runs/${runId}/batch`, {
        params: i === 2 ? {} : { seed: String(i) },
        metrics: [
          { key: 'accuracy', value: accuracy, step: 0, timestamp: startTime + 1 },
          { key: 'loss', value: 1 - accuracy, step: 0, timestamp: startTime + 1 },
        ],
        ...(i === 5 ? { tags: { 'mnemo.data_quality': 'failed' } } : {}),
      });
      await admin('PATCH', `/api/v1/runs/${runId}`, { status: 'FINISHED', endTime: startTime + 1000 });
    }
    // A run still going with a wild value: judged, yet never part of a later run's distribution.
    const running = await ok(
      as<{ run: { runId: string } }>(starters.ann!, 'POST', '/api/v1/runs', {
        experimentId,
        runName: 'still-going',
        startTime: T0 + 5.5 * (DAY / 2),
      }),
    );
    await admin('POST', `/api/v1/runs/${running.run.runId}/batch`, {
      metrics: [{ key: 'accuracy', value: 0.805, step: 0, timestamp: T0 }],
    });
    // A deleted run with a wild value counts nowhere.
    const deleted = await admin<{ run: { runId: string } }>('POST', '/api/v1/runs', {
      experimentId,
      startTime: T0 + 8.5 * (DAY / 2),
    });
    await admin('POST', `/api/v1/runs/${deleted.run.runId}/batch`, {
      metrics: [{ key: 'accuracy', value: -50, step: 0, timestamp: T0 }],
    });
    await admin('DELETE', `/api/v1/runs/${deleted.run.runId}`);

    await registerFrom(runIds[3]!, 'churn-open');
    await admin('POST', '/api/v1/registered-models/churn-open/versions/1/checks', {
      checks: [
        { kind: 'drift', name: 'psi', passed: false, value: 0.31, threshold: 0.2 },
        { kind: 'fairness', name: 'parity', passed: true, value: 0.01, threshold: 0.05 },
      ],
    });
    await registerFrom(runIds[4]!, 'churn-secret');
    await admin('POST', '/api/v1/registered-models/churn-secret/versions/1/checks', {
      checks: [{ kind: 'fairness', name: 'secret_parity', passed: false, value: 0.4, threshold: 0.05 }],
    });
    await admin('PUT', '/api/v1/restrictions', { model: 'churn-secret', restricted: true });
  });

  const dashboard = async (token: string, query = '') => {
    const reply = await as<WireExperimentDashboard>(
      token,
      'GET',
      `/api/v1/experiments/${experimentId}/dashboard${query}`,
    );
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    return reply.body;
  };

  it('flags the planted run, names the numbers behind the flag, and flags no normal run', async () => {
    const body = await dashboard(reader);
    expect(body).toMatchObject({ window: 20, threshold: 3.5, minHistory: 5, runCount: 13, truncated: false });
    expect(body.metrics.map((m) => m.key)).toEqual(['accuracy', 'loss']);
    const accuracy = body.metrics[0]!;
    expect(accuracy.points).toHaveLength(13);
    expect(accuracy.points.map((p) => p.value)).not.toContain(-50);
    expect(accuracy.points.at(-1)).toMatchObject({ runId: runIds[11], runName: 'run-11', value: PLANTED });

    expect(body.anomalies.map((a) => [a.runId, a.metric]).sort()).toEqual(
      [
        [runIds[11], 'accuracy'],
        [runIds[11], 'loss'],
      ].sort(),
    );
    const flag = body.anomalies.find((a) => a.metric === 'accuracy')!;
    expect(flag).toMatchObject({ runName: 'run-11', value: PLANTED, median: 0.8, threshold: 3.5, basis: 'mad' });
    expect(flag.mad).toBeCloseTo(0.01, 10);
    expect(flag.z!).toBeCloseTo((0.6745 * (PLANTED - 0.8)) / 0.01, 6);
    // The window is the 11 earlier finished runs; the run still going is not among them.
    expect(flag.windowRunIds).toEqual(runIds.slice(0, 11));
  });

  it('judges against the chosen window and threshold', async () => {
    const strict = await dashboard(reader, '?metrics=accuracy&window=5&z=1');
    expect(strict.metrics.map((m) => m.key)).toEqual(['accuracy']);
    expect(strict).toMatchObject({ window: 5, threshold: 1 });
    expect(strict.anomalies.length).toBeGreaterThan(1);
    for (const a of strict.anomalies) expect(a.windowRunIds.length).toBe(5);
    const lax = await dashboard(reader, '?metrics=accuracy&z=100');
    expect(lax.anomalies).toEqual([]);
  });

  it('lists failed checks with the runs and versions behind them, leaving out models the caller may not read', async () => {
    const seen = (body: WireExperimentDashboard) =>
      body.failedChecks.map((c) => [c.kind, c.name, c.runId, c.modelName, c.version]).sort();
    expect(seen(await dashboard(reader))).toEqual(
      [
        ['completeness', 'attributes.complete', runIds[2], null, null],
        ['data_quality', 'mnemo.data_quality', runIds[5], null, null],
        ['drift', 'psi', runIds[3], 'churn-open', 1],
      ].sort(),
    );
    const asAdmin = await dashboard(ADMIN_TOKEN);
    expect(seen(asAdmin)).toContainEqual(['fairness', 'secret_parity', runIds[4], 'churn-secret', 1]);
    const drift = asAdmin.failedChecks.find((c) => c.kind === 'drift')!;
    expect(drift).toMatchObject({ value: 0.31, threshold: 0.2 });
    expect(drift.checkId).toEqual(expect.any(String));
    expect(asAdmin.failedChecks.find((c) => c.kind === 'completeness')!.detail).toMatch(/seed/);
  });

  it('shows completeness per day and who started what', async () => {
    const body = await dashboard(reader);
    expect(body.completeness.reduce((n, d) => n + d.judged, 0)).toBe(12);
    expect(body.completeness.reduce((n, d) => n + d.complete, 0)).toBe(11);
    expect(body.completeness[0]).toEqual({ day: T0, judged: 2, complete: 2, share: 1 });
    expect(body.completeness[1]).toEqual({ day: T0 + DAY, judged: 2, complete: 1, share: 0.5 });
    expect(body.runsByUser).toEqual([
      { userId: 'bob', runs: 8, finished: 8, failed: 0 },
      { userId: 'ann', runs: 5, finished: 4, failed: 0 },
    ]);
  });

  it('answers bad input with 400 and an unknown experiment with 404', async () => {
    for (const query of [
      '?window=0',
      '?window=abc',
      '?window=100000',
      '?z=0',
      '?z=-2',
      '?z=NaN',
      '?metrics=a,b,c,d,e,f,g',
    ]) {
      const reply = await as<{ error_code: string; message: string }>(
        reader,
        'GET',
        `/api/v1/experiments/${experimentId}/dashboard${query}`,
      );
      expect(reply.status, query).toBe(400);
      expect(reply.body.error_code, query).toBe('INVALID_PARAMETER_VALUE');
      expect(reply.body.message, query).toEqual(expect.any(String));
    }
    const unknownParam = await as(reader, 'GET', `/api/v1/experiments/${experimentId}/dashboard?bogus=1`);
    expect(unknownParam.status).toBe(400);
    const missing = await as<{ error_code: string }>(ADMIN_TOKEN, 'GET', '/api/v1/experiments/999999/dashboard');
    expect(missing.status).toBe(404);
    expect(missing.body.error_code).toBe('RESOURCE_DOES_NOT_EXIST');
  });
});
