import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../../src/api/server.js';
import { verifyAuditTrail } from '../../src/services/provenance/verify/audit-verifier.js';
import { openStore } from '../../src/store/open-store.js';
import { backends } from '../support/backends.js';
import { useTestServer } from '../support/test-server.js';
import { mlflowCalls, newRun } from './support/mlflow-calls.js';
import { type ReceivedDelivery, signatureValid, WebhookReceiver } from './support/webhook-receiver.js';

const SECRET = 'delivery-secret-5b1e';
const ALL_REGISTRY_EVENTS = [
  { entity: 'REGISTERED_MODEL', action: 'CREATED' },
  { entity: 'MODEL_VERSION', action: 'CREATED' },
  { entity: 'MODEL_VERSION_TAG', action: 'SET' },
  { entity: 'MODEL_VERSION_TAG', action: 'DELETED' },
  { entity: 'MODEL_VERSION_ALIAS', action: 'CREATED' },
  { entity: 'MODEL_VERSION_ALIAS', action: 'DELETED' },
];

describe.each(backends)('webhook deliveries on $name', (backend) => {
  const api = useTestServer(backend, {
    server: {
      webhookDelivery: {
        timeoutMs: 1500,
        maxRetries: 2,
        backoffMs: 50,
        maxBackoffMs: 200,
        allowPrivateAddresses: true,
      },
    },
  });
  const mlflow = mlflowCalls(api);
  const receiver = new WebhookReceiver();
  const other = new WebhookReceiver();
  const settled = () => api.server.services.webhooks.dispatcher.settled();

  beforeAll(async () => {
    await receiver.start();
    await other.start();
  });
  afterAll(async () => {
    await receiver.stop();
    await other.stop();
  });
  afterEach(async () => {
    await settled();
    receiver.reset();
    other.reset();
  });

  async function hook(url: string, events: { entity: string; action: string }[], extra: Record<string, unknown> = {}) {
    const reply = await mlflow.post<{ webhook: { webhook_id: string } }>('webhooks', {
      name: 'hook',
      url,
      events,
      ...extra,
    });
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    return reply.body.webhook.webhook_id;
  }

  async function runWithModel(name: string): Promise<string> {
    const { experimentId, runId } = await newRun(api, name);
    const response = await fetch(
      `${api.url}/api/2.0/mlflow-artifacts/artifacts/${experimentId}/${runId}/artifacts/model/MLmodel`,
      { method: 'PUT', body: 'flavors: {}' },
    );
    expect(response.status).toBe(200);
    return runId;
  }

  const byEvent = (deliveries: ReceivedDelivery[]) =>
    Object.fromEntries(deliveries.map((d) => [`${d.json.entity}.${d.json.action}`, d]));

  it('posts each registry event, signed with the secret, to the active webhooks subscribed to it', async () => {
    const all = await hook(receiver.url, ALL_REGISTRY_EVENTS, { secret: SECRET });
    // Subscribed to one event only; and a disabled one subscribed to everything.
    await hook(other.url, [{ entity: 'MODEL_VERSION_ALIAS', action: 'DELETED' }]);
    await hook(other.url, ALL_REGISTRY_EVENTS, { status: 'DISABLED', secret: 'other' });

    const runId = await runWithModel('deliveries');
    expect(
      (
        await mlflow.post('registered-models/create', {
          name: 'hooked',
          description: 'fraud model',
          tags: [{ key: 'team', value: 'risk' }],
        })
      ).status,
    ).toBe(200);
    const version = await mlflow.post('model-versions/create', {
      name: 'hooked',
      source: `runs:/${runId}/model`,
      run_id: runId,
      tags: [{ key: 'stage', value: 'candidate' }],
    });
    expect(version.status, JSON.stringify(version.body)).toBe(200);
    expect(
      (await mlflow.post('model-versions/set-tag', { name: 'hooked', version: '1', key: 'qa', value: 'passed' }))
        .status,
    ).toBe(200);
    expect((await mlflow.delete('model-versions/delete-tag', { name: 'hooked', version: '1', key: 'qa' })).status).toBe(
      200,
    );
    expect(
      (await mlflow.post('registered-models/alias', { name: 'hooked', alias: 'champion', version: '1' })).status,
    ).toBe(200);
    expect((await mlflow.delete('registered-models/alias', { name: 'hooked', alias: 'champion' })).status).toBe(200);
    // A failed change is not announced.
    expect((await mlflow.post('registered-models/create', { name: 'hooked' })).status).toBe(400);

    await receiver.waitFor(6);
    await settled();
    expect(receiver.received).toHaveLength(6);
    for (const delivery of receiver.received) {
      expect(delivery.headers['content-type']).toBe('application/json');
      expect(delivery.headers['x-mlflow-delivery-id']).toMatch(/^[0-9a-f-]{36}$/);
      expect(Number(delivery.headers['x-mlflow-timestamp'])).toBeCloseTo(Date.now() / 1000, -2);
      expect(signatureValid(delivery, SECRET), delivery.body).toBe(true);
      expect(signatureValid(delivery, 'not-the-secret')).toBe(false);
      expect(new Date(delivery.json.timestamp).toISOString()).toBe(delivery.json.timestamp);
    }
    expect(new Set(receiver.received.map((d) => d.headers['x-mlflow-delivery-id'])).size).toBe(6);
    const got = byEvent(receiver.received);
    expect(got['registered_model.created']!.json.data).toEqual({
      name: 'hooked',
      tags: { team: 'risk' },
      description: 'fraud model',
    });
    expect(got['model_version.created']!.json.data).toEqual({
      name: 'hooked',
      version: '1',
      source: `runs:/${runId}/model`,
      run_id: runId,
      tags: { stage: 'candidate' },
      description: null,
    });
    expect(got['model_version_tag.set']!.json.data).toEqual({
      name: 'hooked',
      version: '1',
      key: 'qa',
      value: 'passed',
    });
    expect(got['model_version_tag.deleted']!.json.data).toEqual({ name: 'hooked', version: '1', key: 'qa' });
    expect(got['model_version_alias.created']!.json.data).toEqual({ name: 'hooked', alias: 'champion', version: '1' });
    expect(got['model_version_alias.deleted']!.json.data).toEqual({ name: 'hooked', alias: 'champion' });

    // The one-event subscriber got only its event, unsigned (it has no secret); the disabled webhook got nothing.
    expect(other.received.map((d) => `${d.json.entity}.${d.json.action}`)).toEqual(['model_version_alias.deleted']);
    expect(other.received[0]!.headers['x-mlflow-signature']).toBeUndefined();

    expect((await mlflow.delete(`webhooks/${all}`, undefined)).status).toBe(200);
  });

  it('retries a receiver that answers 503 or 500, with backoff, and gives up after the bound', async () => {
    const id = await hook(receiver.url, [{ entity: 'REGISTERED_MODEL', action: 'CREATED' }], { secret: SECRET });
    receiver.answerWith({ status: 503 }, { status: 500 });
    expect((await mlflow.post('registered-models/create', { name: 'retried' })).status).toBe(200);
    await receiver.waitFor(3);
    await settled();
    expect(receiver.received).toHaveLength(3);
    // Every attempt is a fresh, validly signed delivery of the same event.
    for (const d of receiver.received) {
      expect(signatureValid(d, SECRET)).toBe(true);
      expect(d.json.data).toMatchObject({ name: 'retried' });
    }
    const times = receiver.received.map((d) => Number(d.headers['x-mlflow-timestamp']));
    expect(times).toEqual([...times].sort());

    receiver.reset();
    receiver.answerWith({ status: 500 }, { status: 500 }, { status: 500 }, { status: 500 });
    expect((await mlflow.post('registered-models/create', { name: 'given-up' })).status).toBe(200);
    await receiver.waitFor(3);
    await settled();
    // One attempt and maxRetries (2) retries, then no more.
    expect(receiver.received).toHaveLength(3);

    receiver.reset();
    let release = () => {};
    receiver.answerWith({ status: 503, after: new Promise<void>((resolve) => (release = resolve)) }, { status: 503 });
    expect((await mlflow.post('registered-models/create', { name: 'disabled-meanwhile' })).status).toBe(200);
    await receiver.waitFor(1);
    // Disabled before the first attempt is even answered: no retry.
    expect((await mlflow.patch(`webhooks/${id}`, { status: 'DISABLED' })).status).toBe(200);
    release();
    await settled();
    expect(receiver.received).toHaveLength(1);
    expect((await mlflow.patch(`webhooks/${id}`, { status: 'ACTIVE' })).status).toBe(200);

    receiver.reset();
    receiver.answerWith({ status: 404 });
    expect((await mlflow.post('registered-models/create', { name: 'refused' })).status).toBe(200);
    await receiver.waitFor(1);
    await settled();
    // A refusal other than 408, 429 or 5xx is final.
    expect(receiver.received).toHaveLength(1);
    await mlflow.delete(`webhooks/${id}`, undefined);
  });

  it('never makes the client wait for, or fail because of, a receiver that hangs or is down', async () => {
    const hanging = await hook(receiver.url, [{ entity: 'REGISTERED_MODEL', action: 'CREATED' }]);
    const down = await hook('http://127.0.0.1:9/unreachable', [{ entity: 'REGISTERED_MODEL', action: 'CREATED' }]);
    receiver.answerWith('hang');
    const started = Date.now();
    const reply = await mlflow.post('registered-models/create', { name: 'unbothered' });
    expect(reply.status).toBe(200);
    // A delivery attempt is given 1.5 s and the receiver lets the first one time out: a client that waited for it
    // would be answered after that.
    expect(Date.now() - started).toBeLessThan(1000);
    await receiver.waitFor(2, 5_000);
    await settled();
    // Timed out, retried, delivered.
    expect(receiver.received).toHaveLength(2);
    expect(receiver.received[1]!.json.data).toMatchObject({ name: 'unbothered' });
    await mlflow.delete(`webhooks/${hanging}`, undefined);
    await mlflow.delete(`webhooks/${down}`, undefined);
  });

  it('delivers every event of a burst of concurrent changes, once each', async () => {
    const id = await hook(receiver.url, [{ entity: 'REGISTERED_MODEL', action: 'CREATED' }], { secret: SECRET });
    const names = Array.from({ length: 25 }, (_, i) => `burst-${i}`);
    const replies = await Promise.all(names.map((name) => mlflow.post('registered-models/create', { name })));
    expect(replies.map((r) => r.status)).toEqual(names.map(() => 200));
    await receiver.waitFor(25);
    await settled();
    expect(receiver.received.map((d) => d.json.data.name).sort()).toEqual([...names].sort());
    expect(receiver.received.every((d) => signatureValid(d, SECRET))).toBe(true);
    await mlflow.delete(`webhooks/${id}`, undefined);
  });

  it('does not deliver for a webhook edited in the database behind the server', async () => {
    const id = await hook(receiver.url, [{ entity: 'REGISTERED_MODEL', action: 'CREATED' }], { secret: SECRET });
    const db = api.server.store.db;
    const original = await db.selectFrom('webhooks').selectAll().where('webhook_id', '=', id).executeTakeFirstOrThrow();
    // Pointed at another receiver, and the stored copy of its audit state edited to match: still refused.
    await db.updateTable('webhooks').set({ url: other.url }).where('webhook_id', '=', id).execute();
    const seq = await db
      .selectFrom('audit_events')
      .select((eb) => eb.fn.max('seq').as('seq'))
      .where('entity_id', '=', id)
      .executeTakeFirstOrThrow();
    const state = await db
      .selectFrom('audit_states')
      .select('state')
      .where('seq', '=', Number(seq.seq))
      .executeTakeFirstOrThrow();
    await db
      .updateTable('audit_states')
      .set({ state: state.state.replace(receiver.url, other.url) })
      .where('seq', '=', Number(seq.seq))
      .execute();
    expect((await mlflow.post('registered-models/create', { name: 'not-for-attackers' })).status).toBe(200);
    await settled();
    expect(other.received).toHaveLength(0);
    expect(receiver.received).toHaveLength(0);

    await db.updateTable('webhooks').set({ url: original.url }).where('webhook_id', '=', id).execute();
    await db.updateTable('audit_states').set({ state: state.state }).where('seq', '=', Number(seq.seq)).execute();
    expect((await mlflow.post('registered-models/create', { name: 'restored' })).status).toBe(200);
    await receiver.waitFor(1);
    expect(receiver.received[0]!.json.data).toMatchObject({ name: 'restored' });
    await mlflow.delete(`webhooks/${id}`, undefined);
  });

  it('sends a test delivery and answers the receiver’s result as MLflow does', async () => {
    const id = await hook(receiver.url, [{ entity: 'MODEL_VERSION_TAG', action: 'SET' }], { secret: SECRET });
    receiver.answerWith({ status: 202, body: 'queued' });
    const ok = await mlflow.post<{ result: Record<string, unknown> }>(`webhooks/${id}/test`, {});
    expect(ok).toEqual({
      status: 200,
      body: { result: { success: true, response_status: 202, response_body: 'queued' } },
    });
    const sent = receiver.received[0]!;
    expect(signatureValid(sent, SECRET)).toBe(true);
    expect(sent.json).toMatchObject({
      entity: 'model_version_tag',
      action: 'set',
      data: { name: 'example_model', version: '1', key: 'example_key', value: 'example_value' },
    });

    receiver.answerWith({ status: 500, body: 'boom' });
    const named = await mlflow.post<{ result: Record<string, unknown> }>(`webhooks/${id}/test`, {
      event: { entity: 'MODEL_VERSION_ALIAS', action: 'CREATED' },
    });
    expect(named.body.result).toEqual({ success: false, response_status: 500, response_body: 'boom' });
    expect(receiver.received[1]!.json).toMatchObject({ entity: 'model_version_alias', action: 'created' });
    // A test is tried once: the client is waiting.
    expect(receiver.received).toHaveLength(2);

    const bad = await mlflow.post(`webhooks/${id}/test`, { event: { entity: 'MODEL_VERSION', action: 'SET' } });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE' });

    const unreachable = await hook('http://127.0.0.1:9/', [{ entity: 'MODEL_VERSION', action: 'CREATED' }]);
    const failed = await mlflow.post<{ result: Record<string, unknown> }>(`webhooks/${unreachable}/test`, {});
    expect(failed.status).toBe(200);
    expect(failed.body.result).toEqual({
      success: false,
      error_message: expect.stringMatching(/^Failed to test webhook/),
    });
    // No body at all is a test of the first event too.
    const bare = await fetch(`${api.url}/api/2.0/mlflow/webhooks/${id}/test`, { method: 'POST' });
    expect(bare.status).toBe(200);
    expect(((await bare.json()) as { result: { success: boolean } }).result.success).toBe(true);
  });

  it('leaves an audit trail that verifies', async () => {
    const store = await openStore(api.backendUri);
    try {
      expect((await verifyAuditTrail(store.db)).problems).toEqual([]);
    } finally {
      await store.close();
    }
  });
});

describe.each(backends)('webhook secret keys across replicas on $name', (backend) => {
  const delivery = { allowPrivateAddresses: true };
  const api = useTestServer(backend, { server: { webhookDelivery: delivery } });
  const mlflow = mlflowCalls(api);
  const receiver = new WebhookReceiver();
  const replicas: RunningServer[] = [];
  const replica = async (secretKey?: string) => {
    const server = await startServer({
      host: '127.0.0.1',
      port: 0,
      backendStoreUri: api.backendUri,
      artifactsDestination: api.artifactsDir,
      webhookDelivery: delivery,
      ...(secretKey ? { secretKey } : {}),
    });
    replicas.push(server);
    return server;
  };
  const test = async (url: string, id: string) => {
    const response = await fetch(`${url}/api/2.0/mlflow/webhooks/${id}/test`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    return ((await response.json()) as { result: { success: boolean; error_message?: string } }).result;
  };

  beforeAll(async () => {
    await receiver.start();
  });
  afterAll(async () => {
    for (const server of replicas) await server.close();
    await receiver.stop();
  });

  it('generates one key even when replicas seal their first secrets at the same time', async () => {
    const second = await replica();
    const create = (url: string, i: number) =>
      fetch(`${url}/api/2.0/mlflow/webhooks`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          name: `race-${i}`,
          url: receiver.url,
          events: [{ entity: 'PROMPT', action: 'CREATED' }],
          secret: `race-secret-${i}`,
        }),
      }).then(async (r) => ((await r.json()) as { webhook: { webhook_id: string } }).webhook.webhook_id);
    const ids = await Promise.all(Array.from({ length: 12 }, (_, i) => create(i % 2 ? second.url : api.url, i)));
    expect(await api.server.store.db.selectFrom('secret_keys').selectAll().execute()).toHaveLength(1);
    // Every secret opens on both replicas.
    for (const [i, id] of ids.entries()) {
      expect(await test(api.url, id)).toMatchObject({ success: true });
      expect(signatureValid(receiver.received.at(-1)!, `race-secret-${i}`)).toBe(true);
      expect(await test(second.url, id)).toMatchObject({ success: true });
      expect(signatureValid(receiver.received.at(-1)!, `race-secret-${i}`)).toBe(true);
      await mlflow.delete(`webhooks/${id}`, undefined);
    }
  });

  it('shares one generated key through the database: a secret sealed by one replica signs on another', async () => {
    const created = await mlflow.post<{ webhook: { webhook_id: string } }>('webhooks', {
      name: 'one-for-both',
      url: receiver.url,
      events: [{ entity: 'REGISTERED_MODEL', action: 'CREATED' }],
      secret: SECRET,
    });
    const id = created.body.webhook.webhook_id;
    const second = await replica();
    expect(await test(second.url, id)).toMatchObject({ success: true });
    expect(signatureValid(receiver.received.at(-1)!, SECRET)).toBe(true);
    // A registry event committed on the second replica is delivered, signed, by it.
    const before = receiver.received.length;
    const reply = await fetch(`${second.url}/api/2.0/mlflow/registered-models/create`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'from-replica' }),
    });
    expect(reply.status).toBe(200);
    const delivered = await receiver.waitFor(before + 1);
    expect(delivered[before]!.json.data).toMatchObject({ name: 'from-replica' });
    expect(signatureValid(delivered[before]!, SECRET)).toBe(true);
    const keys = await api.server.store.db.selectFrom('secret_keys').selectAll().execute();
    expect(keys).toHaveLength(1);
  });

  it('seals with an operator key kept out of the database; a server without it cannot open those secrets', async () => {
    const operatorKey = Buffer.alloc(32, 42).toString('base64');
    const keyed = await replica(operatorKey);
    const created = await fetch(`${keyed.url}/api/2.0/mlflow/webhooks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'operator-keyed',
        url: receiver.url,
        events: [{ entity: 'MODEL_VERSION', action: 'CREATED' }],
        secret: SECRET,
      }),
    });
    const id = ((await created.json()) as { webhook: { webhook_id: string } }).webhook.webhook_id;
    const keys = await api.server.store.db.selectFrom('secret_keys').select('key_material').execute();
    // Only the key generated in the previous test; the operator's key is nowhere in the database.
    expect(keys).toHaveLength(1);
    expect(JSON.stringify(keys)).not.toContain(operatorKey);

    const before = receiver.received.length;
    expect(await test(keyed.url, id)).toMatchObject({ success: true });
    expect(signatureValid(receiver.received.at(-1)!, SECRET)).toBe(true);
    // The server holding only the database's key refuses rather than sending the delivery unsigned.
    const withoutKey = await test(api.url, id);
    expect(withoutKey.success).toBe(false);
    expect(withoutKey.error_message).toMatch(/key/);
    expect(receiver.received.length).toBe(before + 1);
    // The keyed server still opens secrets sealed under the database's key before the operator key was set.
    const older = (
      await mlflow.get<{ webhooks: { webhook_id: string; name: string }[] }>('webhooks')
    ).body.webhooks.find((w) => w.name === 'one-for-both')!;
    expect(await test(keyed.url, older.webhook_id)).toMatchObject({ success: true });
    expect(signatureValid(receiver.received.at(-1)!, SECRET)).toBe(true);
  });

  it('refuses a malformed operator key at start', async () => {
    await expect(replica('too-short')).rejects.toThrow(/secret key/);
  });
});

describe.each(backends)('webhook deliveries inside the server’s network on $name', (backend) => {
  // Default options: non-public addresses are refused.
  const api = useTestServer(backend);
  const mlflow = mlflowCalls(api);
  const receiver = new WebhookReceiver();

  beforeAll(async () => {
    await receiver.start();
  });
  afterAll(async () => {
    await receiver.stop();
  });

  it('refuses to deliver to loopback by address or by name unless private addresses are allowed', async () => {
    const port = new URL(receiver.url).port;
    for (const url of [receiver.url, `http://localhost:${port}/hook`, `http://[::ffff:127.0.0.1]:${port}/hook`]) {
      const created = await mlflow.post<{ webhook: { webhook_id: string } }>('webhooks', {
        name: 'inside',
        url,
        events: [{ entity: 'REGISTERED_MODEL', action: 'CREATED' }],
      });
      expect(created.status).toBe(200);
      const tested = await mlflow.post<{ result: { success: boolean; error_message?: string } }>(
        `webhooks/${created.body.webhook.webhook_id}/test`,
        {},
      );
      expect(tested.body.result.success, url).toBe(false);
      expect(tested.body.result.error_message).toMatch(/non-public address.*--webhook-allow-private/);
    }
    expect((await mlflow.post('registered-models/create', { name: 'not-delivered' })).status).toBe(200);
    await api.server.services.webhooks.dispatcher.settled();
    expect(receiver.received).toHaveLength(0);
  });
});
