import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { auditVerify } from '../../src/cli/audit-command.js';
import { modelsCommand } from '../../src/cli/models-command.js';
import type { VerificationReport } from '../../src/domain/provenance/verification-report.js';
import { ADMIN_TOKEN, callAs, grant, ok, userWithToken } from '../access/access-fixture.js';
import { WebhookReceiver } from '../mlflow/support/webhook-receiver.js';
import { backends } from '../support/backends.js';
import { runInProcess } from '../support/in-process-cli.js';
import { useTestServer } from '../support/test-server.js';
import { createHook, M, modelWithVersion } from '../webhooks/support.js';

const V = '/api/v1';

interface Flag {
  id: string;
  modelId: string;
  name: string;
  version: number;
  cause: { kind: string; upstreamNodeId: string; upstreamLabel: string; replacedNodeId: string; description: string };
  path: { from: string; to: string; type: string; runId: string | null }[];
  cleared: { by: string; actor: string; reason: string } | null;
}
interface Registered {
  id: string;
  nodeId: string;
}

const steps = (path: Flag['path']) => path.map((s) => `${s.from} -${s.type}-> ${s.to}`);

describe.each(backends)('revalidation flags over HTTP on $name', (backend) => {
  const receiver = new WebhookReceiver();
  beforeAll(() => receiver.start());
  afterAll(() => receiver.stop());
  const api = useTestServer(backend, {
    server: {
      auth: { enabled: true, adminToken: ADMIN_TOKEN },
      // The built-in rules guard Production whatever needs approval; approvals are not what is tested here.
      protection: { stages: [] },
      webhookDelivery: { allowPrivateAddresses: true, pollMs: 100 },
    },
  });
  const admin = <T = Record<string, unknown>>(method: string, path: string, body?: unknown) =>
    callAs<T>(api.url, ADMIN_TOKEN, method, path, body);
  afterEach(async () => {
    await api.server.services.webhooks.dispatcher.settled();
    receiver.reset();
  });

  const datasetVersion = (name: string, version: string, extra: Record<string, unknown> = {}) =>
    ok(
      admin<Registered>('POST', `${V}/lineage/dataset-versions`, {
        namespace: 's3://lake',
        name,
        version,
        columns: [
          { name: 'customer_id', type: 'string' },
          { name: 'spend', type: 'double' },
        ],
        ...extra,
      }),
    );
  const edge = (from: string, to: string, type: string) => ok(admin('POST', `${V}/lineage/edges`, { from, to, type }));
  const newRun = async (experiment: string) => {
    const created = await ok(admin<{ experiment_id: string }>('POST', `${M}/experiments/create`, { name: experiment }));
    const run = await ok(
      admin<{ run: { info: { run_id: string } } }>('POST', `${M}/runs/create`, {
        experiment_id: created.experiment_id,
        start_time: 1_700_000_000_000,
      }),
    );
    return run.run.info.run_id;
  };
  const version = (model: string) =>
    ok(
      admin<{ modelVersion: { stage: string; needsRevalidation: boolean; revalidationFlags: Flag[] } }>(
        'GET',
        `${V}/registered-models/${model}/versions/1`,
      ),
    );

  it('flags a version trained two hops from a dataset that gets a new version, and clears it by a new evaluation', async () => {
    const mona = await userWithToken(api.url, 'mona');
    const hook = await createHook(api.url, ADMIN_TOKEN, {
      url: receiver.url,
      events: [{ entity: 'MODEL_VERSION', action: 'NEEDS_REVALIDATION' }],
    });
    // raw@v1 —consumed→ prep run —produced→ clean@v1 —consumed→ training run —produced→ churn v1
    const raw1 = await datasetVersion('raw', 'v1');
    const prepRun = await newRun('prep');
    const clean1 = await datasetVersion('clean', 'v1', { producedByRunId: prepRun });
    await edge(raw1.nodeId, `run:${prepRun}`, 'consumed');
    const { runId: trainRun } = await modelWithVersion(api.url, 'churn');
    await edge(clean1.nodeId, `run:${trainRun}`, 'consumed');
    await grant(api.url, { role: 'manager', user: 'mona', model: 'churn' });
    const { model_id: modelId } = await api.server.store.db
      .selectFrom('registered_models')
      .select('model_id')
      .where('name', '=', 'churn')
      .executeTakeFirstOrThrow();
    const churnNode = `model_version:${modelId}/1`;

    expect((await version('churn')).modelVersion.needsRevalidation).toBe(false);
    const raw2 = await datasetVersion('raw', 'v2');

    const { modelVersion } = await version('churn');
    expect(modelVersion.needsRevalidation).toBe(true);
    expect(modelVersion.revalidationFlags).toHaveLength(1);
    const flag = modelVersion.revalidationFlags[0]!;
    expect(flag.cause).toEqual({
      kind: 'new_dataset_version',
      upstreamNodeId: raw2.nodeId,
      upstreamLabel: 's3://lake/raw@v2',
      replacedNodeId: raw1.nodeId,
      description: 'Dataset version s3://lake/raw@v2 replaces s3://lake/raw@v1, which the version was trained on',
    });
    expect(steps(flag.path)).toEqual([
      `${raw1.nodeId} -consumed-> run:${prepRun}`,
      `run:${prepRun} -produced-> ${clean1.nodeId}`,
      `${clean1.nodeId} -consumed-> run:${trainRun}`,
      `run:${trainRun} -produced-> ${churnNode}`,
    ]);

    // The webhook hears of it with the cause and the path; the model's manager finds it in the inbox.
    const [event] = await receiver.waitFor(1);
    expect(event!.json).toMatchObject({
      entity: 'model_version',
      action: 'needs_revalidation',
      data: {
        name: 'churn',
        version: '1',
        stage: 'None',
        reasons: [flag.cause.description],
        cause: { kind: 'new_dataset_version', upstream_node: raw2.nodeId, replaced_node: raw1.nodeId },
      },
    });
    expect(event!.json.data.path as unknown[]).toHaveLength(4);
    const inbox = await ok(
      callAs<{ notifications: { kind: string; subject: string }[] }>(api.url, mona, 'GET', `${V}/notifications`),
    );
    expect(inbox.notifications).toEqual([
      expect.objectContaining({ kind: 'needs_revalidation', subject: 'churn version 1 needs revalidation' }),
    ]);

    // Policies read the flag: Production is refused, naming the rule.
    const refused = await callAs<{ error_code: string; failures: { rule: string }[] }>(
      api.url,
      mona,
      'POST',
      `${V}/registered-models/churn/versions/1/stage`,
      { stage: 'Production' },
    );
    expect(refused.status).toBe(409);
    expect(refused.body.error_code).toBe('POLICY_FAILED');
    expect(refused.body.failures.map((f) => f.rule)).toEqual(['not-awaiting-revalidation']);
    expect((await version('churn')).modelVersion.stage).toBe('None');

    // An evaluation on the data it was trained on answers nothing; one on the new version clears the flag.
    const evaluate = (datasetVersion: string) =>
      ok(
        admin('POST', `${V}/registered-models/churn/versions/1/evaluations`, {
          results: [{ metric: 'auc', value: 0.91, datasetVersion }],
        }),
      );
    await evaluate(raw1.id);
    expect((await version('churn')).modelVersion.needsRevalidation).toBe(true);
    await evaluate(raw2.id);
    expect((await version('churn')).modelVersion).toMatchObject({ needsRevalidation: false, revalidationFlags: [] });
    const history = await ok(
      admin<{ flags: Flag[] }>('GET', `${V}/registered-models/churn/versions/1/revalidation?includeCleared=true`),
    );
    expect(history.flags.map((f) => f.cleared)).toEqual([
      { time: expect.any(Number), by: 'evaluation', actor: 'admin', reason: 'Evaluation recorded on s3://lake/raw@v2' },
    ]);
    const audited = await ok(
      admin<{ events: { action: string; entityId: string }[] }>(
        'GET',
        `${V}/audit/events?entityKind=revalidation_flag`,
      ),
    );
    expect(audited.events.map((e) => `${e.action} ${e.entityId}`).sort()).toEqual(
      [`revalidation_flag.clear ${flag.id}`, `revalidation_flag.raise ${flag.id}`].sort(),
    );

    // Nothing changed upstream since: the promotion goes through.
    const promoted = await callAs(api.url, mona, 'POST', `${V}/registered-models/churn/versions/1/stage`, {
      stage: 'Production',
    });
    expect(promoted.status, JSON.stringify(promoted.body)).toBe(200);
    await ok(admin('DELETE', `${M}/webhooks/${hook}`));
  });

  it('flags on a new feature version and on a changed schema; a manager clears with a reason; readers are told only what they may read', async () => {
    const rita = await userWithToken(api.url, 'rita');
    const nora = await userWithToken(api.url, 'nora');
    const mara = await userWithToken(api.url, 'mara');
    const events1 = await datasetVersion('events', '2024-01');
    const feature1 = await ok(
      admin<Registered>('POST', `${V}/lineage/features`, {
        name: 'spend_30d',
        version: '1',
        inputDatasetVersionIds: [events1.id],
      }),
    );
    const { runId: trainRun } = await modelWithVersion(api.url, 'ltv');
    await edge(feature1.nodeId, `run:${trainRun}`, 'consumed');
    await grant(api.url, { role: 'reader', user: 'rita', model: 'ltv' });
    await grant(api.url, { role: 'manager', user: 'mara', model: 'ltv' });
    await ok(admin('PUT', `${V}/restrictions`, { model: 'ltv', restricted: true }));

    const feature2 = await ok(
      admin<Registered>('POST', `${V}/lineage/features`, {
        name: 'spend_30d',
        version: '2',
        inputDatasetVersionIds: [events1.id],
      }),
    );
    // A new version of the dataset under the feature with a retyped column is a schema change, two hops up.
    const events2 = await datasetVersion('events', '2024-02', {
      columns: [
        { name: 'customer_id', type: 'string' },
        { name: 'spend', type: 'decimal(10,2)' },
      ],
    });
    const listed = await ok(callAs<{ revalidations: Flag[] }>(api.url, rita, 'GET', `${V}/revalidations?model=ltv`));
    expect(listed.revalidations.map((f) => [f.cause.kind, f.cause.upstreamNodeId, f.path.length])).toEqual([
      ['dataset_schema_change', events2.nodeId, 3],
      ['new_feature_version', feature2.nodeId, 2],
    ]);
    // A restricted dataset on a flag's cause or path is named only as hidden to a reader without a role on it.
    await ok(admin('PUT', `${V}/restrictions`, { dataset: 's3://lake:events', restricted: true }));
    const redacted = await ok(callAs<{ revalidations: Flag[] }>(api.url, rita, 'GET', `${V}/revalidations?model=ltv`));
    expect(redacted.revalidations[0]!.cause).toMatchObject({
      kind: 'dataset_schema_change',
      upstreamNodeId: 'hidden',
      upstreamLabel: 'hidden',
      replacedNodeId: 'hidden',
    });
    expect(JSON.stringify(redacted.revalidations)).not.toContain('events');
    expect(redacted.revalidations[0]!.path[0]!.from).toBe('hidden');
    expect(redacted.revalidations[1]!.cause.upstreamNodeId).toBe(feature2.nodeId);
    const single = await ok(
      callAs<{ modelVersion: { revalidationFlags: Flag[] } }>(
        api.url,
        rita,
        'GET',
        `${V}/registered-models/ltv/versions/1`,
      ),
    );
    expect(JSON.stringify(single.modelVersion.revalidationFlags)).not.toContain('events');
    await ok(admin('PUT', `${V}/restrictions`, { dataset: 's3://lake:events', restricted: false }));

    // A restricted model's flags stay out of reach of callers without a role on it, named or not.
    for (const query of ['', '?model=ltv']) {
      const hidden = await ok(callAs<{ revalidations: Flag[] }>(api.url, nora, 'GET', `${V}/revalidations${query}`));
      expect(hidden.revalidations.filter((f) => f.name === 'ltv')).toEqual([]);
    }
    expect((await callAs(api.url, nora, 'GET', `${V}/registered-models/ltv/versions/1/revalidation`)).status).toBe(403);

    const clear = (token: string, body: unknown) =>
      callAs<{ cleared: Flag[]; error_code?: string }>(
        api.url,
        token,
        'POST',
        `${V}/registered-models/ltv/versions/1/revalidation/clear`,
        body,
      );
    expect((await clear(rita, { reason: 'looked at it' })).status).toBe(403);
    const blank = await clear(mara, { reason: '   ' });
    expect(blank.status).toBe(400);
    expect(blank.body.error_code).toBe('INVALID_PARAMETER_VALUE');
    expect((await clear(mara, {})).status).toBe(400);
    expect(
      (
        await ok(
          callAs<{ needsRevalidation: boolean }>(
            api.url,
            rita,
            'GET',
            `${V}/registered-models/ltv/versions/1/revalidation`,
          ),
        )
      ).needsRevalidation,
    ).toBe(true);

    const cleared = await ok(clear(mara, { reason: 'Spend is cast back to double before training, ticket DS-7' }));
    expect(cleared.cleared.map((f) => f.cleared)).toEqual([
      expect.objectContaining({
        by: 'manual',
        actor: 'mara',
        reason: 'Spend is cast back to double before training, ticket DS-7',
      }),
      expect.objectContaining({ by: 'manual', actor: 'mara' }),
    ]);
    expect(
      (await ok(callAs<{ revalidations: Flag[] }>(api.url, rita, 'GET', `${V}/revalidations?model=ltv`))).revalidations,
    ).toEqual([]);
    // Nothing left to clear.
    expect((await clear(mara, { reason: 'again' })).status).toBe(400);
  });

  it("lists and clears flags with 'mnemo models revalidation'", async () => {
    const mia = await userWithToken(api.url, 'mia');
    const sales1 = await datasetVersion('sales', '1');
    const { runId } = await modelWithVersion(api.url, 'forecast');
    await edge(sales1.nodeId, `run:${runId}`, 'consumed');
    await grant(api.url, { role: 'manager', user: 'mia', model: 'forecast' });
    await datasetVersion('sales', '2');
    const mnemo = (token: string, ...args: string[]) =>
      runInProcess(() => [modelsCommand()], ['models', 'revalidation', ...args, '--tracking-uri', api.url], {
        MNEMO_TRACKING_TOKEN: token,
      });

    const listed = await mnemo(mia, 'list', '--model', 'forecast', '--json');
    expect(listed.code, listed.stderr).toBe(0);
    expect((JSON.parse(listed.stdout) as Flag[]).map((f) => [f.name, f.version, f.cause.kind, f.path.length])).toEqual([
      ['forecast', 1, 'new_dataset_version', 2],
    ]);
    const table = await mnemo(mia, 'list', '--model', 'forecast');
    expect(table.stdout).toMatch(/forecast\s+1\s+new_dataset_version\s+s3:\/\/lake\/sales@2\s+2\s/);

    const noReason = await mnemo(mia, 'clear', 'forecast', '1');
    expect(noReason.code).toBe(2);
    const cleared = await mnemo(mia, 'clear', 'forecast', '1', '--reason', 'sales@2 only adds late rows');
    expect(cleared.code, cleared.stderr).toBe(0);
    expect(cleared.stdout).toContain('Cleared 1 revalidation flag(s) of forecast version 1');
    const after = await mnemo(mia, 'list', '--model', 'forecast', '--all', '--json');
    expect((JSON.parse(after.stdout) as Flag[]).map((f) => f.cleared)).toEqual([
      expect.objectContaining({ by: 'manual', actor: 'mia', reason: 'sales@2 only adds late rows' }),
    ]);
  });

  it('keeps the audit trail verifiable, and shows a flag cleared behind the server', async () => {
    const verify = async () =>
      JSON.parse((await auditVerify({ backendStoreUri: api.backendUri, json: true })).stdout) as VerificationReport;
    expect((await verify()).problems).toEqual([]);
    const raw3 = await datasetVersion('raw', 'v3');
    const [open] = (await ok(admin<{ revalidations: Flag[] }>('GET', `${V}/revalidations?model=churn`))).revalidations;
    expect(open!.cause.upstreamNodeId).toBe(raw3.nodeId);
    expect((await verify()).problems).toEqual([]);
    await api.server.store.db
      .updateTable('model_version_revalidations')
      .set({ cleared_time: 1, cleared_by: 'manual', cleared_actor: 'nobody', cleared_reason: 'quietly' })
      .where('flag_id', '=', open!.id)
      .execute();
    const problems = (await verify()).problems;
    expect(problems.map((p) => p.message)).toEqual([expect.stringContaining(`revalidation flag ${open!.id}`)]);
  });
});
