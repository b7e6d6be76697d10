import { dialectOf } from '../dialect/dialect-of.js';
import type { DeliveryStatus, WebhookDeliveriesTable, WebhookDeliveryAttemptsTable } from '../schema-webhooks.js';
import type { Executor } from '../store.js';

/**
 * Turns one owed event into its deliveries and takes it out of the outbox, in one transaction: a server that stops
 * half-way leaves the event whole in the outbox. A delivery's id is fixed by its event and webhook, so doing it
 * twice (two servers racing for a lease that ran out) makes each delivery once.
 */
export async function fanOutEvent(db: Executor, eventId: string, deliveries: WebhookDeliveriesTable[]): Promise<void> {
  await db.transaction().execute(async (trx) => {
    if (deliveries.length > 0) {
      await trx
        .insertInto('webhook_deliveries')
        .values(deliveries)
        .onConflict((oc) => oc.column('delivery_id').doNothing())
        .execute();
    }
    await trx.deleteFrom('webhook_outbox').where('event_id', '=', eventId).execute();
  });
}

/**
 * Claims up to `limit` deliveries due by `now` that nobody holds, until `until`. On PostgreSQL the candidates are
 * locked with `FOR UPDATE SKIP LOCKED`, so replicas polling together each take different rows without waiting on
 * one another; on SQLite (one writer at a time) each claim is a conditional update. Either way no two servers hold
 * one delivery at once.
 */
export async function claimDueDeliveries(
  db: Executor,
  now: number,
  until: number,
  limit: number,
): Promise<WebhookDeliveriesTable[]> {
  const due = (trx: Executor) =>
    trx
      .selectFrom('webhook_deliveries')
      .selectAll()
      .where('status', '=', 'PENDING')
      .where('next_attempt_time', '<=', now)
      .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', now)]))
      .orderBy('next_attempt_time')
      .orderBy('delivery_id')
      .limit(limit);
  // Where rows can be locked (PostgreSQL), replicas skip each other's instead of waiting on them.
  if (dialectOf(db).rowLocks) {
    return db.transaction().execute(async (trx) => {
      const rows = await due(trx).forUpdate().skipLocked().execute();
      if (rows.length === 0) return [];
      await trx
        .updateTable('webhook_deliveries')
        .set({ claimed_until: until })
        .where(
          'delivery_id',
          'in',
          rows.map((r) => r.delivery_id),
        )
        .execute();
      return rows.map((row) => ({ ...row, claimed_until: until }));
    });
  }
  const claimed: WebhookDeliveriesTable[] = [];
  for (const row of await due(db).execute()) {
    const result = await db
      .updateTable('webhook_deliveries')
      .set({ claimed_until: until })
      .where('delivery_id', '=', row.delivery_id)
      .where('status', '=', 'PENDING')
      .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', now)]))
      .executeTakeFirst();
    if (result.numUpdatedRows > 0n) claimed.push({ ...row, claimed_until: until });
  }
  return claimed;
}

/** Records one attempt and what it left the delivery as, together. */
export async function recordDeliveryAttempt(
  db: Executor,
  attempt: WebhookDeliveryAttemptsTable,
  outcome: Pick<
    WebhookDeliveriesTable,
    'status' | 'attempts' | 'next_attempt_time' | 'last_status_code' | 'last_error' | 'finished_time'
  >,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('webhook_delivery_attempts')
      .values(attempt)
      .onConflict((oc) => oc.columns(['delivery_id', 'attempt']).doNothing())
      .execute();
    await trx
      .updateTable('webhook_deliveries')
      .set({ ...outcome, claimed_until: null })
      .where('delivery_id', '=', attempt.delivery_id)
      .execute();
  });
}

/** Ends a delivery without an attempt (its webhook was disabled or deleted, its event does not open). */
export async function finishDelivery(
  db: Executor,
  deliveryId: string,
  status: DeliveryStatus,
  error: string,
  at: number,
): Promise<void> {
  await db
    .updateTable('webhook_deliveries')
    .set({ status, last_error: error, finished_time: at, claimed_until: null })
    .where('delivery_id', '=', deliveryId)
    .execute();
}

/** Gives a claimed delivery back (the server is closing): another server or the next start takes it at once. */
export async function releaseDelivery(db: Executor, deliveryId: string): Promise<void> {
  await db
    .updateTable('webhook_deliveries')
    .set({ claimed_until: null })
    .where('delivery_id', '=', deliveryId)
    .execute();
}

/** A webhook's deliveries, newest first, optionally of one status. */
export async function pageDeliveries(
  db: Executor,
  webhookId: string,
  options: { status?: DeliveryStatus | undefined; offset: number; limit: number },
): Promise<WebhookDeliveriesTable[]> {
  return db
    .selectFrom('webhook_deliveries')
    .selectAll()
    .where('webhook_id', '=', webhookId)
    .$if(options.status !== undefined, (q) => q.where('status', '=', options.status!))
    .orderBy('created_time', 'desc')
    .orderBy('delivery_id', 'desc')
    .offset(options.offset)
    .limit(options.limit)
    .execute();
}

export async function attemptsOf(db: Executor, deliveryIds: string[]): Promise<WebhookDeliveryAttemptsTable[]> {
  if (deliveryIds.length === 0) return [];
  return db
    .selectFrom('webhook_delivery_attempts')
    .selectAll()
    .where('delivery_id', 'in', deliveryIds)
    .orderBy('delivery_id')
    .orderBy('attempt')
    .execute();
}

/** Deliveries of a deleted webhook go with it. */
export async function deleteDeliveriesOf(db: Executor, webhookId: string): Promise<void> {
  const ids = db.selectFrom('webhook_deliveries').select('delivery_id').where('webhook_id', '=', webhookId);
  await db.deleteFrom('webhook_delivery_attempts').where('delivery_id', 'in', ids).execute();
  await db.deleteFrom('webhook_deliveries').where('webhook_id', '=', webhookId).execute();
}
