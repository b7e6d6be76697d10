import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import { useProvenanceServer } from '../provenance/support/provenance-server.js';
import { backends } from '../support/backends.js';
import { mlflowCalls } from './support/mlflow-calls.js';
import { WebhookReceiver } from './support/webhook-receiver.js';

const DELIVERY = {
  timeoutMs: 30_000,
  maxRetries: 0,
  backoffMs: 20,
  maxBackoffMs: 50,
  allowPrivateAddresses: true,
  pollMs: 100,
  leaseMs: 60_000,
};

/**
 * A delivery owed is stored with the change that owes it (the event in the outbox, then a delivery row per webhook):
 * a server that stops (or dies) before the receiver got it leaves it to the next server on the same database, which
 * sends it with the same delivery id.
 */
describe.each(backends)('webhook deliveries survive a restart on $name', (backend) => {
  const api = useProvenanceServer(backend, { webhookDelivery: DELIVERY });
  const mlflow = mlflowCalls(api);
  const receiver = new WebhookReceiver();
  let store: Store;

  beforeAll(async () => {
    await receiver.start();
    store = await openStore(api.backendUri);
  });
  afterAll(async () => {
    await store.close();
    await receiver.stop();
  });

  const outbox = () => store.db.selectFrom('webhook_outbox').selectAll().execute();
  const deliveries = () => store.db.selectFrom('webhook_deliveries').selectAll().execute();
  /** The delivery row as the server made it, kept to put back as a server that died holding it would leave it. */
  let made: Awaited<ReturnType<typeof deliveries>>[number];

  it('stores the delivery owed, keeps it through a restart, and redelivers it under the same id', async () => {
    const hook = await mlflow.post('webhooks', {
      name: 'ci',
      url: receiver.url,
      events: [{ entity: 'REGISTERED_MODEL', action: 'CREATED' }],
    });
    expect(hook.status, JSON.stringify(hook.body)).toBe(200);
    // The receiver takes the first delivery and never answers: the server stops while it is in flight.
    receiver.answerWith('hang');
    expect((await mlflow.post('registered-models/create', { name: 'outbox-model' })).status).toBe(200);
    const [first] = await receiver.waitFor(1);
    const rows = await deliveries();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: 'PENDING', event: 'REGISTERED_MODEL.CREATED' });
    expect(rows[0]!.delivery_id).toBe(first!.headers['x-mlflow-delivery-id']);
    // Sealed: the event's content is not readable (or forgeable) in the database.
    expect(rows[0]!.announcement).not.toContain('outbox-model');
    expect(await outbox()).toEqual([]);

    await api.restart({ webhookDelivery: DELIVERY });
    const received = await receiver.waitFor(2);
    expect(received[1]!.json).toMatchObject({ entity: 'registered_model', action: 'created' });
    expect(received[1]!.json.data).toMatchObject({ name: 'outbox-model' });
    expect(received[1]!.headers['x-mlflow-delivery-id']).toBe(first!.headers['x-mlflow-delivery-id']);
    await expect.poll(async () => (await deliveries())[0]!.status).toBe('SUCCEEDED');
    made = (await deliveries())[0]!;
  });

  it('leaves a delivery another server holds until its lease runs out, then sends it', async () => {
    receiver.reset();
    // As a server that claimed the delivery and died would leave it.
    await store.db
      .updateTable('webhook_deliveries')
      .set({ status: 'PENDING', finished_time: null, claimed_until: Date.now() + 60_000 })
      .where('delivery_id', '=', made.delivery_id)
      .execute();
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(receiver.received).toHaveLength(0);
    await store.db
      .updateTable('webhook_deliveries')
      .set({ claimed_until: Date.now() - 1 })
      .where('delivery_id', '=', made.delivery_id)
      .execute();
    const [delivery] = await receiver.waitFor(1);
    expect(delivery!.json.data).toMatchObject({ name: 'outbox-model' });
    expect(delivery!.headers['x-mlflow-delivery-id']).toBe(made.delivery_id);
    await expect.poll(async () => (await deliveries())[0]!.status).toBe('SUCCEEDED');
  });

  it('never sends an owed event or a delivery written or moved behind the server', async () => {
    receiver.reset();
    const forged = JSON.stringify({
      event: { entity: 'REGISTERED_MODEL', action: 'CREATED' },
      data: { name: 'forged', tags: {}, description: null },
    });
    await store.db
      .insertInto('webhook_outbox')
      .values({
        event_id: 'forged-in-the-database',
        announcement: forged,
        created_time: Date.now(),
        claimed_until: null,
      })
      .execute();
    // A genuine sealed delivery copied under another id does not open either.
    await store.db
      .insertInto('webhook_deliveries')
      .values({ ...made, delivery_id: 'copied-delivery', status: 'PENDING', claimed_until: null, finished_time: null })
      .execute();
    await expect.poll(async () => (await outbox()).length).toBe(0);
    await expect
      .poll(async () => (await deliveries()).find((d) => d.delivery_id === 'copied-delivery')?.status)
      .toBe('FAILED');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(receiver.received).toHaveLength(0);
  });

  it('stages nothing while no webhook is active', async () => {
    const hooks = await mlflow.get<{ webhooks?: { webhook_id: string }[] }>('webhooks');
    for (const hook of hooks.body.webhooks ?? []) {
      expect((await mlflow.patch(`webhooks/${hook.webhook_id}`, { status: 'DISABLED' })).status).toBe(200);
    }
    await store.db.deleteFrom('webhook_outbox').execute();
    receiver.reset();
    expect((await mlflow.post('registered-models/create', { name: 'quiet-model' })).status).toBe(200);
    expect(await outbox()).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(receiver.received).toHaveLength(0);
  });
});
