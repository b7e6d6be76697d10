import type { WebhookOutboxTable } from '../schema-webhooks.js';
import type { Executor } from '../store.js';

/** Whether any webhook is active: without one, registry events owe nobody a delivery. */
export async function anyActiveWebhook(db: Executor): Promise<boolean> {
  const row = await db.selectFrom('webhooks').select('webhook_id').where('status', '=', 'ACTIVE').executeTakeFirst();
  return row !== undefined;
}

export async function insertOutboxRows(db: Executor, rows: WebhookOutboxTable[]): Promise<void> {
  if (rows.length === 0) return;
  await db.insertInto('webhook_outbox').values(rows).execute();
}

/**
 * Claims up to `limit` rows nobody holds (never claimed, or their lease ran out), oldest first, until `until`. Each
 * claim is one conditional update, so two servers racing for a row never both get it.
 */
export async function claimOutboxRows(
  db: Executor,
  now: number,
  until: number,
  limit: number,
): Promise<WebhookOutboxTable[]> {
  const candidates = await db
    .selectFrom('webhook_outbox')
    .selectAll()
    .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', now)]))
    .orderBy('created_time')
    .orderBy('event_id')
    .limit(limit)
    .execute();
  const claimed: WebhookOutboxTable[] = [];
  for (const row of candidates) {
    const result = await db
      .updateTable('webhook_outbox')
      .set({ claimed_until: until })
      .where('event_id', '=', row.event_id)
      .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', now)]))
      .executeTakeFirst();
    if (result.numUpdatedRows > 0n) claimed.push({ ...row, claimed_until: until });
  }
  return claimed;
}

export async function deleteOutboxRow(db: Executor, eventId: string): Promise<void> {
  await db.deleteFrom('webhook_outbox').where('event_id', '=', eventId).execute();
}

/** Gives a claimed row back (the server is closing): another server or the next start takes it at once. */
export async function releaseOutboxRow(db: Executor, eventId: string): Promise<void> {
  await db.updateTable('webhook_outbox').set({ claimed_until: null }).where('event_id', '=', eventId).execute();
}

export async function countOutboxRows(db: Executor): Promise<number> {
  const row = await db
    .selectFrom('webhook_outbox')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
