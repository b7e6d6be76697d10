import type { DeliveryStatus, WebhookDeliveriesTable, WebhookDeliveryAttemptsTable } from '../schema-webhooks.js';
import type { Executor } from '../store.js';
import { claimDueRows } from './claim-due-rows.js';

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

/** Claims up to `limit` due rows nobody holds, until `until` (see claimDueRows). */
export function claimDueDeliveries(
  db: Executor,
  now: number,
  until: number,
  limit: number,
): Promise<WebhookDeliveriesTable[]> {
  return claimDueRows(db, 'webhook_deliveries', now, until, limit);
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
