import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, callAs, grant, ok, userWithToken } from '../access/access-fixture.js';
import { WebhookReceiver } from '../mlflow/support/webhook-receiver.js';
import { backends } from '../support/backends.js';
import { useTestServer } from '../support/test-server.js';
import { createHook, M, modelWithVersion } from '../webhooks/support.js';

const V = '/api/v1';
const EVENTS = [{ entity: 'MODEL_VERSION', action: 'NEEDS_REVALIDATION' }];

/**
 * A version's manager who may not read the dataset (nor the run) its flag's cause and path go through hears of the
 * flag, by webhook and in the inbox, with those named only as hidden; an administrator hears everything.
 */
describe.each(backends)('revalidation news told by what each reader may read on $name', (backend) => {
  const mine = new WebhookReceiver();
  const all = new WebhookReceiver();
  beforeAll(async () => {
    await mine.start();
    await all.start();
  });
  afterAll(async () => {
    await mine.stop();
    await all.stop();
  });
  const api = useTestServer(backend, {
    server: {
      auth: { enabled: true, adminToken: ADMIN_TOKEN },
      protection: { stages: [] },
      webhookDelivery: { allowPrivateAddresses: true, pollMs: 100 },
    },
  });
  const admin = <T = Record<string, unknown>>(method: string, path: string, body?: unknown) =>
    ok(callAs<T>(api.url, ADMIN_TOKEN, method, path, body));
  afterEach(async () => {
    await api.server.services.webhooks.dispatcher.settled();
    mine.reset();
    all.reset();
  });
  const datasetVersion = (name: string, version: string, extra: Record<string, unknown> = {}) =>
    admin<{ id: string; nodeId: string }>('POST', `${V}/lineage/dataset-versions`, {
      namespace: 's3://lake',
      name,
      version,
      ...extra,
    });

  it('names a hidden dataset and run by placeholder in the webhook and the inbox of who may not read them', async () => {
    const mona = await userWithToken(api.url, 'mona');
    // secret-raw@v1 —consumed→ prep run (restricted experiment) —produced→ clean@v1 —consumed→ training run → v1
    const raw1 = await datasetVersion('secret-raw', 'v1');
    await admin('PUT', `${V}/restrictions`, { dataset: 's3://lake:secret-raw', restricted: true });
    const prep = await admin<{ experiment_id: string }>('POST', `${M}/experiments/create`, { name: 'secret-prep' });
    await admin('PUT', `${V}/restrictions`, { experiment: prep.experiment_id, restricted: true });
    const prepRun = (
      await admin<{ run: { info: { run_id: string } } }>('POST', `${M}/runs/create`, {
        experiment_id: prep.experiment_id,
        start_time: 1_700_000_000_000,
      })
    ).run.info.run_id;
    const clean1 = await datasetVersion('clean', 'v1', { producedByRunId: prepRun });
    await admin('POST', `${V}/lineage/edges`, { from: raw1.nodeId, to: `run:${prepRun}`, type: 'consumed' });
    const { runId: trainRun, experimentId } = await modelWithVersion(api.url, 'scored');
    await admin('POST', `${V}/lineage/edges`, { from: clean1.nodeId, to: `run:${trainRun}`, type: 'consumed' });
    await grant(api.url, { role: 'manager', user: 'mona', model: 'scored' });
    await grant(api.url, { role: 'reader', user: 'mona', experiment: experimentId });
    await createHook(api.url, mona, { url: mine.url, events: EVENTS });
    await createHook(api.url, ADMIN_TOKEN, { url: all.url, events: EVENTS });

    const raw2 = await datasetVersion('secret-raw', 'v2');

    // The administrator's webhook is told everything.
    const [full] = await all.waitFor(1);
    expect(JSON.stringify(full!.json)).toContain('s3://lake/secret-raw@v2');
    expect(full!.json.data.path as unknown[]).toHaveLength(4);

    // Mona's is told that the version needs revalidation, without the dataset's name, id or the hidden run.
    const [told] = await mine.waitFor(1);
    const body = JSON.stringify(told!.json);
    for (const secret of ['secret-raw', raw1.id, raw2.id, prepRun]) expect(body).not.toContain(secret);
    expect(told!.json.data).toMatchObject({
      name: 'scored',
      version: '1',
      reasons: ['A new version of a hidden dataset replaces the one the version was trained on'],
      cause: {
        kind: 'new_dataset_version',
        upstream_node: 'a hidden dataset',
        upstream_label: 'a hidden dataset',
        replaced_node: 'a hidden dataset',
        description: 'A new version of a hidden dataset replaces the one the version was trained on',
      },
    });
    // The step between the hidden dataset and the hidden run is left out: no count of hidden hops.
    expect(told!.json.data.path).toEqual([
      { from: 'a hidden run', to: clean1.nodeId, type: 'produced', run_id: null },
      { from: clean1.nodeId, to: `run:${trainRun}`, type: 'consumed', run_id: null },
      { from: `run:${trainRun}`, to: expect.stringMatching(/^model_version:/), type: 'produced', run_id: trainRun },
    ]);

    // Her inbox says the same, in words.
    const inbox = await ok(
      callAs<{ notifications: { kind: string; subject: string; body: string }[] }>(
        api.url,
        mona,
        'GET',
        `${V}/notifications`,
      ),
    );
    const news = inbox.notifications.filter((n) => n.kind === 'needs_revalidation');
    expect(news).toHaveLength(1);
    expect(news[0]!.subject).toBe('scored version 1 needs revalidation');
    expect(news[0]!.body).toContain('A new version of a hidden dataset replaces the one the version was trained on');
    expect(news[0]!.body).toContain(`- a hidden run -produced-> ${clean1.nodeId}`);
    for (const secret of ['secret-raw', raw1.id, raw2.id, prepRun]) expect(news[0]!.body).not.toContain(secret);

    // Once granted the dataset and the experiment, she is told everything about the next change.
    await grant(api.url, { role: 'reader', user: 'mona', dataset: 's3://lake:secret-raw' });
    await grant(api.url, { role: 'reader', user: 'mona', experiment: prep.experiment_id });
    mine.reset();
    await datasetVersion('secret-raw', 'v3');
    const [later] = await mine.waitFor(1);
    expect(JSON.stringify(later!.json)).toContain('s3://lake/secret-raw@v3');
    expect(later!.json.data.path as unknown[]).toHaveLength(4);
  });
});
