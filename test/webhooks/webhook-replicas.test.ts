import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../../src/api/server.js';
import { WebhookReceiver } from '../mlflow/support/webhook-receiver.js';
import { backends } from '../support/backends.js';
import { useTestServer } from '../support/test-server.js';
import { M } from './support.js';

const DELIVERY = { allowPrivateAddresses: true, pollMs: 50, backoffMs: 50, maxBackoffMs: 100, maxRetries: 2 };
const EVENTS = 30;

/**
 * Two servers on one database, both polling the outbox and the deliveries: every event reaches the receiver exactly
 * once, whichever server committed it and whichever took it.
 */
describe.each(backends)('webhook deliveries across two replicas on $name', (backend) => {
  const api = useTestServer(backend, { server: { webhookDelivery: DELIVERY } });
  const receiver = new WebhookReceiver();
  let second: RunningServer;

  beforeAll(async () => {
    await receiver.start();
    second = await startServer({
      host: '127.0.0.1',
      port: 0,
      backendStoreUri: api.backendUri,
      artifactsDestination: api.artifactsDir,
      webhookDelivery: DELIVERY,
    });
  });
  afterAll(async () => {
    await second?.close();
    await receiver.stop();
  });

  it('delivers each event exactly once', async () => {
    const created = await api.call<{ webhook: { webhook_id: string } }>('POST', `${M}/webhooks`, {
      name: 'both-replicas',
      url: receiver.url,
      events: [{ entity: 'REGISTERED_MODEL', action: 'CREATED' }],
      secret: 'replica-secret',
    });
    expect(created.status).toBe(200);
    const names = Array.from({ length: EVENTS }, (_, i) => `replicated-${i}`);
    const replies = await Promise.all(
      names.map((name, i) =>
        fetch(`${i % 2 ? second.url : api.url}${M}/registered-models/create`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ name }),
        }),
      ),
    );
    expect(replies.map((r) => r.status)).toEqual(names.map(() => 200));
    await receiver.waitFor(EVENTS);
    // Both replicas keep polling; give either the chance to send something twice before counting.
    await expect
      .poll(async () => {
        const rows = await api.server.store.db.selectFrom('webhook_deliveries').select(['status']).execute();
        return rows.length === EVENTS && rows.every((r) => r.status === 'SUCCEEDED');
      })
      .toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await Promise.all([
      api.server.services.webhooks.dispatcher.settled(),
      second.services.webhooks.dispatcher.settled(),
    ]);
    expect(receiver.received).toHaveLength(EVENTS);
    expect(receiver.received.map((d) => d.json.data.name).sort()).toEqual([...names].sort());
    expect(new Set(receiver.received.map((d) => d.headers['webhook-id'])).size).toBe(EVENTS);
    const attempts = await api.server.store.db.selectFrom('webhook_delivery_attempts').selectAll().execute();
    expect(attempts).toHaveLength(EVENTS);
  });
});
