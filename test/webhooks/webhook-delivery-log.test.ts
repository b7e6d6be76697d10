import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, callAs, grant, ok, userWithToken } from '../access/access-fixture.js';
import { WebhookReceiver } from '../mlflow/support/webhook-receiver.js';
import { backends } from '../support/backends.js';
import { useTestServer } from '../support/test-server.js';
import { createHook, deliveriesOf, M, modelWithVersion, verifiedBothWays } from './support.js';

const SECRET = 'whsec-log-7c1f';
const DELIVERY = {
  timeoutMs: 800,
  maxRetries: 2,
  backoffMs: 50,
  maxBackoffMs: 200,
  allowPrivateAddresses: true,
  pollMs: 100,
};

describe.each(backends)('webhook deliveries with owners and a delivery log on $name', (backend) => {
  const api = useTestServer(backend, {
    server: { auth: { enabled: true, adminToken: ADMIN_TOKEN }, webhookDelivery: DELIVERY },
  });
  const receiver = new WebhookReceiver();
  const other = new WebhookReceiver();
  const settled = () => api.server.services.webhooks.dispatcher.settled();
  const admin = (method: string, path: string, body?: unknown) => callAs(api.url, ADMIN_TOKEN, method, path, body);

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

  it('signs with MLflow and Standard Webhooks headers; retries a receiver that fails twice; logs every attempt', async () => {
    const id = await createHook(api.url, ADMIN_TOKEN, {
      url: receiver.url,
      events: [{ entity: 'REGISTERED_MODEL', action: 'CREATED' }],
      secret: SECRET,
    });
    receiver.answerWith({ status: 503 }, { status: 500 });
    await ok(admin('POST', `${M}/registered-models/create`, { name: 'twice-failed' }));
    await receiver.waitFor(3);
    await settled();
    expect(receiver.received).toHaveLength(3);
    for (const delivery of receiver.received) {
      expect(verifiedBothWays(delivery, SECRET), delivery.body).toBe(true);
      expect(verifiedBothWays(delivery, 'another-secret')).toBe(false);
      expect(Object.keys(delivery.json).sort()).toEqual(['action', 'data', 'entity', 'timestamp']);
      expect(delivery.json).toMatchObject({ entity: 'registered_model', action: 'created' });
    }
    // One delivery, three attempts under its one id.
    expect(new Set(receiver.received.map((d) => d.headers['webhook-id'])).size).toBe(1);

    const [logged] = await deliveriesOf(api.url, ADMIN_TOKEN, id);
    expect(logged).toMatchObject({
      delivery_id: receiver.received[0]!.headers['x-mlflow-delivery-id'],
      event: 'REGISTERED_MODEL.CREATED',
      status: 'SUCCEEDED',
      attempts: 3,
      last_status_code: 200,
    });
    expect(logged!.attempt_log.map((a) => a.status_code)).toEqual([503, 500, 200]);

    // Failing every time: marked failed after the retries, with the last status code.
    receiver.answerWith({ status: 500 }, { status: 500 }, { status: 500 });
    await ok(admin('POST', `${M}/registered-models/create`, { name: 'always-failed' }));
    await receiver.waitFor(3);
    await settled();
    const failed = (await deliveriesOf(api.url, ADMIN_TOKEN, id)).find((d) => d.status !== 'SUCCEEDED');
    expect(failed).toMatchObject({ status: 'FAILED', attempts: 3, last_status_code: 500 });
    const onlyFailed = await ok(
      callAs<{ deliveries: unknown[] }>(api.url, ADMIN_TOKEN, 'GET', `${M}/webhooks/${id}/deliveries?status=FAILED`),
    );
    expect(onlyFailed.deliveries).toHaveLength(1);
    await ok(admin('DELETE', `${M}/webhooks/${id}`));
  });

  it('cuts a receiver that hangs after the timeout and retries it', async () => {
    const id = await createHook(api.url, ADMIN_TOKEN, {
      url: receiver.url,
      events: [{ entity: 'REGISTERED_MODEL', action: 'CREATED' }],
    });
    receiver.answerWith('hang');
    await ok(admin('POST', `${M}/registered-models/create`, { name: 'hung-up' }));
    await receiver.waitFor(2);
    await settled();
    const [logged] = await deliveriesOf(api.url, ADMIN_TOKEN, id);
    expect(logged!.status).toBe('SUCCEEDED');
    expect(logged!.attempt_log).toMatchObject([
      { attempt: 1, status_code: null, error: expect.stringMatching(/no answer within 800 ms/) },
      { attempt: 2, status_code: 200, error: null },
    ]);
    await ok(admin('DELETE', `${M}/webhooks/${id}`));
  });

  it("sends a subscriber only events about what its owner may read, and keeps others' webhooks out of sight", async () => {
    const watcher = await userWithToken(api.url, 'watcher');
    await modelWithVersion(api.url, 'open-model');
    await modelWithVersion(api.url, 'secret-model');
    await ok(admin('PUT', '/api/v1/restrictions', { model: 'secret-model', restricted: true }));
    const events = [{ entity: 'MODEL_VERSION_ALIAS', action: 'CREATED' }];
    const watched = await createHook(api.url, watcher, { url: receiver.url, events });
    // The administrator's webhook hears of both: the restricted model's event was made.
    const everything = await createHook(api.url, ADMIN_TOKEN, { url: other.url, events });
    // Owned by its creator; hidden from others, who get 404 as for a webhook that does not exist.
    const shown = await ok(
      callAs<{ webhook: Record<string, unknown> }>(api.url, watcher, 'GET', `${M}/webhooks/${watched}`),
    );
    expect(shown.webhook.owner_id).toEqual(expect.any(String));
    expect((await callAs(api.url, watcher, 'GET', `${M}/webhooks/${everything}`)).status).toBe(404);
    expect((await callAs(api.url, watcher, 'DELETE', `${M}/webhooks/${everything}`)).status).toBe(404);
    const listed = await ok(callAs<{ webhooks: { webhook_id: string }[] }>(api.url, watcher, 'GET', `${M}/webhooks`));
    expect(listed.webhooks.map((w) => w.webhook_id)).toEqual([watched]);
    // Only an administrator may make a webhook owned by someone else.
    const foreign = await callAs(api.url, watcher, 'POST', `${M}/webhooks`, {
      name: 'x',
      url: receiver.url,
      events,
      owner: 'admin',
    });
    expect(foreign.status).toBe(403);

    for (const name of ['open-model', 'secret-model']) {
      await ok(admin('POST', `${M}/registered-models/alias`, { name, alias: 'champion', version: '1' }));
    }
    await other.waitFor(2);
    await settled();
    expect(other.received.map((d) => d.json.data.name).sort()).toEqual(['open-model', 'secret-model']);
    expect(receiver.received.map((d) => d.json.data.name)).toEqual(['open-model']);
    expect((await deliveriesOf(api.url, watcher, watched)).map((d) => d.event)).toEqual([
      'MODEL_VERSION_ALIAS.CREATED',
    ]);

    // Once allowed to read it, the owner's webhook hears of it too.
    await grant(api.url, { role: 'reader', user: 'watcher', model: 'secret-model' });
    await ok(admin('POST', `${M}/registered-models/alias`, { name: 'secret-model', alias: 'backup', version: '1' }));
    await receiver.waitFor(2);
    expect(receiver.received[1]!.json.data).toMatchObject({ name: 'secret-model', alias: 'backup' });
    await ok(callAs(api.url, watcher, 'DELETE', `${M}/webhooks/${watched}`));
    await ok(admin('DELETE', `${M}/webhooks/${everything}`));
  });

  it('scopes a webhook to one registered model', async () => {
    const id = await createHook(api.url, ADMIN_TOKEN, {
      url: receiver.url,
      events: [{ entity: 'REGISTERED_MODEL', action: 'CREATED' }],
      model_name: 'scoped-b',
    });
    for (const name of ['scoped-a', 'scoped-b', 'scoped-c']) {
      await ok(admin('POST', `${M}/registered-models/create`, { name }));
    }
    await receiver.waitFor(1);
    await settled();
    expect(receiver.received.map((d) => d.json.data.name)).toEqual(['scoped-b']);
    await ok(admin('DELETE', `${M}/webhooks/${id}`));
  });
});

describe.each(backends)('webhook deliveries to private addresses on $name', (backend) => {
  // Default: non-public addresses refused.
  const api = useTestServer(backend, { server: { webhookDelivery: { pollMs: 100 } } });
  const receiver = new WebhookReceiver();
  beforeAll(async () => {
    await receiver.start();
  });
  afterAll(async () => {
    await receiver.stop();
  });

  it('accepts the URL, then refuses at delivery time a name that resolves to loopback', async () => {
    const port = new URL(receiver.url).port;
    const id = await createHook(api.url, ADMIN_TOKEN, {
      url: `http://localhost:${port}/hook`,
      events: [{ entity: 'REGISTERED_MODEL', action: 'CREATED' }],
    });
    expect((await api.call('POST', `${M}/registered-models/create`, { name: 'not-for-loopback' })).status).toBe(200);
    await api.server.services.webhooks.dispatcher.settled();
    await expect.poll(async () => (await deliveriesOf(api.url, ADMIN_TOKEN, id))[0]?.status).toBe('FAILED');
    const [logged] = await deliveriesOf(api.url, ADMIN_TOKEN, id);
    // Refused for good: a retry would resolve to the same address.
    expect(logged!.attempts).toBe(1);
    expect(logged!.last_error).toMatch(
      /refused: localhost is at (127\.0\.0\.1|::1), a non-public address.*--webhook-allow-private/,
    );
    expect(receiver.received).toHaveLength(0);
  });

  it('refuses a URL that is not http or https', async () => {
    for (const url of ['ftp://example.com/hook', 'file:///etc/passwd', 'javascript:alert(1)']) {
      const reply = await api.call('POST', `${M}/webhooks`, {
        name: 'bad',
        url,
        events: [{ entity: 'REGISTERED_MODEL', action: 'CREATED' }],
      });
      expect(reply.status, url).toBe(400);
      expect(reply.body).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE' });
    }
  });
});
