import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type ReceivedDelivery, WebhookReceiver } from '../mlflow/support/webhook-receiver.js';
import { backends } from '../support/backends.js';
import { useTestServer } from '../support/test-server.js';
import { M } from './support.js';

/**
 * A receiver's check as the Standard Webhooks specification describes it, written here from the specification and not
 * from the server's code: the key is the base64 after `whsec_`, the signed content `<webhook-id>.<webhook-timestamp>.
 * <body>`, the header a space-separated list of `v1,<base64 HMAC-SHA256>`, and the timestamp within five minutes.
 */
function standardWebhooksVerify(delivery: ReceivedDelivery, secret: string): boolean {
  const h = delivery.headers;
  const id = h['webhook-id'];
  const timestamp = h['webhook-timestamp'];
  const header = h['webhook-signature'];
  if (typeof id !== 'string' || typeof timestamp !== 'string' || typeof header !== 'string') return false;
  if (Math.abs(Date.now() / 1000 - Number(timestamp)) > 300) return false;
  const key = Buffer.from(secret.split('_')[1]!, 'base64');
  const expected = createHmac('sha256', key).update(`${id}.${timestamp}.${delivery.body}`).digest();
  return header.split(' ').some((entry) => {
    const [version, signature] = entry.split(',');
    const given = Buffer.from(signature ?? '', 'base64');
    return version === 'v1' && given.length === expected.length && timingSafeEqual(given, expected);
  });
}

describe.each(backends)('webhook secrets in the Standard Webhooks form on $name', (backend) => {
  const api = useTestServer(backend, { server: { webhookDelivery: { allowPrivateAddresses: true, pollMs: 100 } } });
  const receiver = new WebhookReceiver();
  const secret = `whsec_${randomBytes(32).toString('base64')}`;
  beforeAll(async () => {
    await receiver.start();
  });
  afterAll(async () => {
    await receiver.stop();
  });
  afterEach(async () => {
    await api.server.services.webhooks.dispatcher.settled();
    receiver.reset();
  });

  const createHook = async (body: Record<string, unknown>) =>
    api.call<{ webhook: { webhook_id: string } }>('POST', `${M}/webhooks`, {
      name: 'standard',
      url: receiver.url,
      events: [{ entity: 'REGISTERED_MODEL', action: 'CREATED' }],
      ...body,
    });

  it('keys the signature with the decoded bytes, so a Standard Webhooks verifier accepts the deliveries', async () => {
    const created = await createHook({ secret });
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    const id = created.body.webhook.webhook_id;
    expect((await api.call('POST', `${M}/webhooks/${id}/test`, {})).status).toBe(200);
    expect((await api.call('POST', `${M}/registered-models/create`, { name: 'standard-model' })).status).toBe(200);
    const [test, event] = await receiver.waitFor(2);
    for (const delivery of [test!, event!]) {
      expect(standardWebhooksVerify(delivery, secret)).toBe(true);
      // The same value under MLflow's header name.
      expect(delivery.headers['x-mlflow-signature']).toBe(delivery.headers['webhook-signature']);
      // Not keyed with the secret's text: that is what the prefix changes.
      const textKeyed = createHmac('sha256', secret)
        .update(`${delivery.headers['webhook-id']}.${delivery.headers['webhook-timestamp']}.${delivery.body}`)
        .digest('base64');
      expect(delivery.headers['webhook-signature']).not.toBe(`v1,${textKeyed}`);
    }
    expect(event!.json).toMatchObject({
      entity: 'registered_model',
      action: 'created',
      data: { name: 'standard-model' },
    });
    expect(standardWebhooksVerify(event!, `whsec_${randomBytes(32).toString('base64')}`)).toBe(false);
    expect((await api.call('DELETE', `${M}/webhooks/${id}`)).status).toBe(200);
  });

  it.each([
    ['not base64', 'whsec_not*base64!'],
    ['too short a key', `whsec_${randomBytes(8).toString('base64')}`],
    ['too long a key', `whsec_${randomBytes(65).toString('base64')}`],
  ])('refuses a secret with the prefix but %s, creating or changing nothing', async (_what, bad) => {
    const before = await api.call<{ webhooks?: unknown[] }>('GET', `${M}/webhooks`);
    const refused = await createHook({ secret: bad });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE' });
    expect(JSON.stringify(refused.body)).toMatch(/Standard Webhooks secret/);
    const after = await api.call<{ webhooks?: unknown[] }>('GET', `${M}/webhooks`);
    expect(after.body.webhooks ?? []).toHaveLength((before.body.webhooks ?? []).length);

    const kept = await createHook({ secret });
    const id = kept.body.webhook.webhook_id;
    const patched = await api.call('PATCH', `${M}/webhooks/${id}`, { secret: bad });
    expect(patched.status).toBe(400);
    // The secret it had still signs.
    expect((await api.call('POST', `${M}/webhooks/${id}/test`, {})).status).toBe(200);
    const [delivery] = await receiver.waitFor(1);
    expect(standardWebhooksVerify(delivery!, secret)).toBe(true);
    expect((await api.call('DELETE', `${M}/webhooks/${id}`)).status).toBe(200);
  });

  it('keeps keying any other secret with its text, as MLflow does', async () => {
    const plain = 'whsec-not-the-standard-form';
    const id = (await createHook({ secret: plain })).body.webhook.webhook_id;
    expect((await api.call('POST', `${M}/webhooks/${id}/test`, {})).status).toBe(200);
    const [delivery] = await receiver.waitFor(1);
    const h = delivery!.headers;
    const mac = createHmac('sha256', plain).update(`${h['webhook-id']}.${h['webhook-timestamp']}.${delivery!.body}`);
    expect(h['x-mlflow-signature']).toBe(`v1,${mac.digest('base64')}`);
    expect((await api.call('DELETE', `${M}/webhooks/${id}`)).status).toBe(200);
  });
});
