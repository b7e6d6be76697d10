import { describe, expect, it } from 'vitest';
import { RegistryClient } from '../../src/sdk/registry.js';
import { ADMIN_TOKEN, callAs, grant, ok, userWithToken } from '../access/access-fixture.js';
import { backends } from '../support/backends.js';
import { useTestServer } from '../support/test-server.js';

const V = '/api/v1';
const M = '/api/2.0/mlflow';

interface Status {
  version: number;
  stage: string;
  aliases: string[];
  runId: string | null;
  metrics: { hidden: boolean; values: Record<string, number | string> };
  completeness: { score: number; present: number; expected: number; missing: { path: string; level: string }[] };
  revalidation: {
    needed: boolean;
    flags: { cause: { kind: string; replacedNodeId: string; upstreamNodeId: string } }[];
  };
  policies: { target: { stage?: string; alias?: string }; passed: boolean; policies: number; failedRules: string[] }[];
  approval: {
    requestId: string;
    status: string;
    target: { stage?: string };
    approvals: number;
    requiredApprovals: number;
  } | null;
}
interface Report {
  name: string;
  keyMetrics: string[];
  versions: Status[];
  nextPageToken?: string;
}

describe.each(backends)('the versions status read over HTTP on $name', (backend) => {
  const api = useTestServer(backend, {
    server: { auth: { enabled: true, adminToken: ADMIN_TOKEN, defaultRole: null } },
  });
  const admin = <T = Record<string, unknown>>(method: string, path: string, body?: unknown) =>
    callAs<T>(api.url, ADMIN_TOKEN, method, path, body);

  /** An experiment, a run in it with files to register and the given metrics; returns both ids. */
  const trainingRun = async (experiment: string, metrics: Record<string, number>) => {
    const created = await ok(admin<{ experiment_id: string }>('POST', `${M}/experiments/create`, { name: experiment }));
    const run = await ok(
      admin<{ run: { info: { run_id: string } } }>('POST', `${M}/runs/create`, {
        experiment_id: created.experiment_id,
        start_time: 1_700_000_000_000,
      }),
    );
    const runId = run.run.info.run_id;
    await ok(
      admin('POST', `${M}/runs/log-batch`, {
        run_id: runId,
        metrics: Object.entries(metrics).map(([key, value]) => ({ key, value, timestamp: 1_700_000_000_000, step: 1 })),
      }),
    );
    const upload = await fetch(
      `${api.url}/api/2.0/mlflow-artifacts/artifacts/${created.experiment_id}/${runId}/artifacts/model/MLmodel`,
      { method: 'PUT', body: 'flavors: {}', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } },
    );
    expect(upload.status).toBe(200);
    return { experimentId: created.experiment_id, runId };
  };

  const register = (runId: string, extra: Record<string, unknown>) =>
    ok(admin('POST', `${V}/registered-models/fraud/versions`, { source: `runs:/${runId}/model`, runId, ...extra }));

  /**
   * fraud v1 (visible run, complete, pending approval to Production), v2 (visible run, half complete, flagged for
   * revalidation, failing the AUC policy), v3 (a run in an experiment only the admin may read, no metadata).
   */
  const seedOnce = async () => {
    const visible = await trainingRun('fraud-training', {});
    await ok(
      admin('POST', `${M}/runs/log-batch`, {
        run_id: visible.runId,
        metrics: [
          { key: 'auc', value: 0.91, timestamp: 1_700_000_000_000, step: 1 },
          { key: 'loss', value: 0.2, timestamp: 1_700_000_000_000, step: 1 },
          { key: 'f1', value: 0.8, timestamp: 1_700_000_000_000, step: 1 },
        ],
      }),
    );
    const second = await ok(
      admin<{ run: { info: { run_id: string } } }>('POST', `${M}/runs/create`, {
        experiment_id: visible.experimentId,
        start_time: 1_700_000_000_000,
      }),
    );
    const run2 = second.run.info.run_id;
    await ok(
      admin('POST', `${M}/runs/log-batch`, {
        run_id: run2,
        metrics: [
          { key: 'auc', value: 0.8, timestamp: 1_700_000_000_000, step: 1 },
          { key: 'auc', value: 0.88, timestamp: 1_700_000_000_500, step: 2 },
          { key: 'loss', value: 0.25, timestamp: 1_700_000_000_000, step: 1 },
        ],
      }),
    );
    const upload = await fetch(
      `${api.url}/api/2.0/mlflow-artifacts/artifacts/${visible.experimentId}/${run2}/artifacts/model/MLmodel`,
      { method: 'PUT', body: 'flavors: {}', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } },
    );
    expect(upload.status).toBe(200);
    const secret = await trainingRun('fraud-secret', { auc: 0.99, secret_metric: 1 });

    await ok(
      admin('POST', `${V}/schemas/model_version:fraud/versions`, {
        schema: { type: 'object', 'x-recommended': ['description', 'releaseNotes'] },
      }),
    );
    await ok(admin('POST', `${V}/registered-models`, { name: 'fraud' }));
    await register(visible.runId, { description: 'first', releaseNotes: 'baseline' });
    await register(run2, { description: 'second' });
    await register(secret.runId, {});
    await ok(
      admin('PUT', `${V}/policies/fraud-auc`, {
        model: 'fraud',
        target: { stage: 'Production' },
        rules: [{ name: 'auc-high', expression: 'run.metrics.auc >= 0.9' }],
      }),
    );
    // v2's run consumed raw@v1; raw@v2 replaces it, so v2 must be revalidated.
    const raw1 = await ok(
      admin<{ nodeId: string }>('POST', `${V}/lineage/dataset-versions`, {
        namespace: 's3://lake',
        name: 'raw',
        version: 'v1',
      }),
    );
    await ok(admin('POST', `${V}/lineage/edges`, { from: raw1.nodeId, to: `run:${run2}`, type: 'consumed' }));
    const raw2 = await ok(
      admin<{ nodeId: string }>('POST', `${V}/lineage/dataset-versions`, {
        namespace: 's3://lake',
        name: 'raw',
        version: 'v2',
      }),
    );
    const request = await ok(
      admin<{ transitionRequest: { id: string; requiredApprovals: number } }>(
        'POST',
        `${V}/registered-models/fraud/transition-requests`,
        { version: 1, stage: 'Production', reason: 'ready' },
      ),
    );
    const ritaToken = await userWithToken(api.url, 'rita');
    await grant(api.url, { role: 'reader', user: 'rita', model: 'fraud' });
    await grant(api.url, { role: 'reader', user: 'rita', experiment: visible.experimentId });
    return { visible, run2, secret, raw1, raw2, request: request.transitionRequest, ritaToken };
  };
  // Both tests read the same registry; it is seeded by whichever runs first.
  let seeded: ReturnType<typeof seedOnce> | undefined;
  const seed = () => {
    seeded ??= seedOnce();
    return seeded;
  };

  it('tells each version its metrics, completeness, revalidation, policies and approval, hiding what a reader may not read', async () => {
    const { visible, run2, secret, raw1, raw2, request, ritaToken } = await seed();
    expect(request.requiredApprovals).toBe(1);

    const all = await admin<Report>('GET', `${V}/registered-models/fraud/versions/status`);
    expect(all.status).toBe(200);
    expect(all.body.name).toBe('fraud');
    // auc is logged by all three runs, loss by two, f1 and secret_metric by one each.
    expect(all.body.keyMetrics).toEqual(['auc', 'f1', 'loss', 'secret_metric']);
    expect(all.body.nextPageToken).toBeUndefined();
    const [v3, v2, v1] = all.body.versions;
    expect(all.body.versions.map((v) => v.version)).toEqual([3, 2, 1]);

    expect(v1).toEqual({
      version: 1,
      stage: 'None',
      aliases: [],
      runId: visible.runId,
      metrics: { hidden: false, values: { auc: 0.91, f1: 0.8, loss: 0.2 } },
      completeness: {
        score: 1,
        present: 2,
        expected: 2,
        missing: [],
        schema: { subject: 'model_version:fraud', version: 1 },
      },
      revalidation: { needed: false, flags: [] },
      policies: [{ target: { stage: 'Production' }, passed: true, policies: 2, failedRules: [] }],
      approval: {
        requestId: request.id,
        status: 'pending',
        target: { stage: 'Production' },
        approvals: 0,
        requiredApprovals: 1,
        creationTime: expect.any(Number),
      },
    });
    expect(v2!.metrics).toEqual({ hidden: false, values: { auc: 0.88, loss: 0.25 } });
    expect(v2!.completeness).toMatchObject({
      score: 0.5,
      missing: [{ path: 'releaseNotes', level: 'recommended' }],
    });
    expect(v2!.revalidation.needed).toBe(true);
    expect(v2!.revalidation.flags).toHaveLength(1);
    expect(v2!.revalidation.flags[0]!.cause).toMatchObject({
      kind: 'new_dataset_version',
      upstreamNodeId: raw2.nodeId,
      replacedNodeId: raw1.nodeId,
    });
    expect(v2!.policies).toEqual([
      {
        target: { stage: 'Production' },
        passed: false,
        policies: 2,
        failedRules: ['builtin.recorded-checks-passed/not-awaiting-revalidation', 'fraud-auc/auc-high'],
      },
    ]);
    // The same verdict the gate gives for that version and stage.
    const gate = await admin<{ verdict: { passed: boolean; failures: { policy: string; rule: string }[] } }>(
      'POST',
      `${V}/registered-models/fraud/versions/2/gate`,
      { stage: 'Production' },
    );
    expect(gate.body.verdict.passed).toBe(false);
    expect(gate.body.verdict.failures.map((f) => `${f.policy}/${f.rule}`)).toEqual(v2!.policies[0]!.failedRules);
    expect(v2!.approval).toBeNull();
    expect(v2!.runId).toBe(run2);
    expect(v3).toMatchObject({
      runId: secret.runId,
      metrics: { hidden: false, values: { auc: 0.99, secret_metric: 1 } },
      completeness: { score: 0, present: 0, expected: 2 },
      revalidation: { needed: false, flags: [] },
      policies: [{ target: { stage: 'Production' }, passed: true, policies: 2, failedRules: [] }],
      approval: null,
    });

    // Rita reads the model and the visible experiment, not the secret one: v3's metrics are hidden, and its metric
    // names choose no column.
    const seen = await callAs<Report>(api.url, ritaToken, 'GET', `${V}/registered-models/fraud/versions/status`);
    expect(seen.status).toBe(200);
    expect(seen.body.keyMetrics).toEqual(['auc', 'f1', 'loss']);
    expect(seen.body.versions.find((v) => v.version === 3)!.metrics).toEqual({ hidden: true, values: {} });
    expect(seen.body.versions.find((v) => v.version === 1)!.metrics).toEqual({
      hidden: false,
      values: { auc: 0.91, f1: 0.8, loss: 0.2 },
    });
    expect(JSON.stringify(seen.body)).not.toContain('secret_metric');
    expect(JSON.stringify(seen.body)).not.toContain('0.99');
    expect(seen.body.versions.find((v) => v.version === 2)!.revalidation.needed).toBe(true);
    expect(seen.body.versions.find((v) => v.version === 1)!.approval?.status).toBe('pending');

    // A user without read on the model learns nothing.
    const otto = await userWithToken(api.url, 'otto');
    const refused = await callAs<Record<string, unknown>>(
      api.url,
      otto,
      'GET',
      `${V}/registered-models/fraud/versions/status`,
    );
    expect([403, 404]).toContain(refused.status);
    expect(JSON.stringify(refused.body)).not.toContain('auc');
  });

  it('reads the named versions or a page of the newest, and refuses bad input with a 4xx', async () => {
    await seed();
    const named = await admin<Report>('GET', `${V}/registered-models/fraud/versions/status?versions=1,3`);
    expect(named.status).toBe(200);
    expect(named.body.versions.map((v) => v.version)).toEqual([3, 1]);
    // The columns follow the versions asked about: auc (v1 and v3), then f1, loss and secret_metric (one each).
    expect(named.body.keyMetrics).toEqual(['auc', 'f1', 'loss', 'secret_metric']);

    // The SDK asks the same question and reads the same answer.
    const sdk = new RegistryClient({ url: api.url, token: ADMIN_TOKEN });
    expect(await sdk.versionStatus('fraud', { versions: [3, 1] })).toEqual(named.body);
    const sdkPage = await sdk.versionStatus('fraud', { maxResults: 2, pageToken: '2' });
    expect(sdkPage.versions.map((v) => v.version)).toEqual([1]);

    const first = await admin<Report>('GET', `${V}/registered-models/fraud/versions/status?maxResults=2`);
    expect(first.body.versions.map((v) => v.version)).toEqual([3, 2]);
    expect(first.body.nextPageToken).toBe('2');
    const second = await admin<Report>('GET', `${V}/registered-models/fraud/versions/status?maxResults=2&pageToken=2`);
    expect(second.body.versions.map((v) => v.version)).toEqual([1]);
    expect(second.body.nextPageToken).toBeUndefined();

    // Documented in the OpenAPI document, with its query and reply.
    const doc = (await (await fetch(`${api.url}/api/v1/openapi.json`)).json()) as {
      paths: Record<string, Record<string, { parameters?: { name: string; in: string }[]; responses: object }>>;
    };
    const operation = doc.paths['/registered-models/{name}/versions/status']?.get;
    expect(operation?.parameters?.filter((p) => p.in === 'query').map((p) => p.name)).toEqual([
      'versions',
      'maxResults',
      'pageToken',
    ]);
    expect(Object.keys(operation?.responses ?? {})).toContain('200');

    const many = Array.from({ length: 101 }, (_, i) => i + 1).join(',');
    for (const query of [
      'versions=abc',
      'versions=0',
      `versions=${many}`,
      'versions=1&maxResults=2',
      'maxResults=0',
      'maxResults=101',
      'pageToken=x',
      'extra=1',
    ]) {
      const reply = await admin<{ error_code: string; message: string }>(
        'GET',
        `${V}/registered-models/fraud/versions/status?${query}`,
      );
      expect(reply.status, query).toBe(400);
      expect(reply.body.error_code, query).toBe('INVALID_PARAMETER_VALUE');
      expect(reply.body.message, query).toEqual(expect.any(String));
    }
    const missing = await admin<{ error_code: string }>(
      'GET',
      `${V}/registered-models/fraud/versions/status?versions=1,9`,
    );
    expect(missing.status).toBe(404);
    expect(missing.body.error_code).toBe('RESOURCE_DOES_NOT_EXIST');
    const noModel = await admin<{ error_code: string }>('GET', `${V}/registered-models/nope/versions/status`);
    expect(noModel.status).toBe(404);
  });
});
