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
 * A delivery owed is stored with the change that owes it: a server that stops (or dies) before the receiver got it
 * leaves it to the next server on the same database, which sends it with the same delivery id.
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
  /** An owed event as the server staged it, kept to put back as a server that died holding it would leave it. */
  let staged: { event_id: string; announcement: string; created_time: number };

  it('stages the event with the change, keeps it through a restart, and redelivers it under the same id', async () => {
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
    const rows = await outbox();
    expect(rows).toHaveLength(1);
    staged = { ...rows[0]!, created_time: Number(rows[0]!.created_time) };
    // Sealed: the event's content is not readable (or forgeable) in the database.
    expect(staged.announcement).not.toContain('outbox-model');

    await api.restart({ webhookDelivery: DELIVERY });
    const deliveries = await receiver.waitFor(2);
    expect(deliveries[1]!.json).toMatchObject({ entity: 'registered_model', action: 'created' });
    expect(deliveries[1]!.json.data).toMatchObject({ name: 'outbox-model' });
    expect(deliveries[1]!.headers['x-mlflow-delivery-id']).toBe(first!.headers['x-mlflow-delivery-id']);
    await expect.poll(async () => (await outbox()).length).toBe(0);
  });

  it('leaves an event another server holds until its lease runs out, then delivers it', async () => {
    receiver.reset();
    // As a server that claimed the event and died would leave it.
    await store.db
      .insertInto('webhook_outbox')
      .values({ ...staged, claimed_until: Date.now() + 60_000 })
      .execute();
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(receiver.received).toHaveLength(0);
    await store.db
      .updateTable('webhook_outbox')
      .set({ claimed_until: Date.now() - 1 })
      .where('event_id', '=', staged.event_id)
      .execute();
    const [delivery] = await receiver.waitFor(1);
    expect(delivery!.json.data).toMatchObject({ name: 'outbox-model' });
    await expect.poll(async () => (await outbox()).length).toBe(0);
  });

  it('never sends an owed event written or moved behind the server', async () => {
    receiver.reset();
    const forged = JSON.stringify({
      event: { entity: 'REGISTERED_MODEL', action: 'CREATED' },
      data: { name: 'forged', tags: {}, description: null },
    });
    await store.db
      .insertInto('webhook_outbox')
      .values([
        { event_id: 'forged-in-the-database', announcement: forged, created_time: Date.now(), claimed_until: null },
        // A genuine sealed event copied under another id does not open either.
        { ...staged, event_id: 'copied-event', claimed_until: null },
      ])
      .execute();
    await expect.poll(async () => (await outbox()).length).toBe(0);
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
