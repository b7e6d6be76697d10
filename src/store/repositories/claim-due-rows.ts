import { dialectOf } from '../dialect/dialect-of.js';
import type { EmailOutboxTable } from '../schema-notifications.js';
import type { WebhookDeliveriesTable } from '../schema-webhooks.js';
import type { Executor } from '../store.js';

/** Work queues whose rows any replica may claim for a while: each table with its id column and row type. */
interface ClaimableTables {
  webhook_deliveries: { id: 'delivery_id'; row: WebhookDeliveriesTable };
  email_outbox: { id: 'email_id'; row: EmailOutboxTable };
}

const ID_COLUMNS: { [T in keyof ClaimableTables]: ClaimableTables[T]['id'] } = {
  webhook_deliveries: 'delivery_id',
  email_outbox: 'email_id',
};

/**
 * Claims up to `limit` PENDING rows of `table` due by `now` that nobody holds, until `until`. On PostgreSQL the
 * candidates are locked with `FOR UPDATE SKIP LOCKED`, so replicas polling together each take different rows without
 * waiting on one another; on SQLite (one writer at a time) each claim is a conditional update. Either way no two
 * servers hold one row at once.
 */
export async function claimDueRows<T extends keyof ClaimableTables>(
  db: Executor,
  table: T,
  now: number,
  until: number,
  limit: number,
): Promise<ClaimableTables[T]['row'][]> {
  // The two tables share the claim columns; Kysely cannot see that through a table name chosen at run time.
  const name = table as 'webhook_deliveries';
  const id = ID_COLUMNS[table] as 'delivery_id';
  const unclaimed = (trx: Executor) =>
    trx
      .selectFrom(name)
      .selectAll()
      .where('status', '=', 'PENDING')
      .where('next_attempt_time', '<=', now)
      .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', now)]));
  const due = (trx: Executor) => unclaimed(trx).orderBy('next_attempt_time').orderBy(id).limit(limit);
  const claim = (rows: WebhookDeliveriesTable[]) =>
    rows.map((row) => ({ ...row, claimed_until: until })) as unknown as ClaimableTables[T]['row'][];

  if (dialectOf(db).rowLocks) {
    return db.transaction().execute(async (trx) => {
      const rows = await due(trx).forUpdate().skipLocked().execute();
      if (rows.length === 0) return [];
      const ids = rows.map((r) => r[id]);
      await trx.updateTable(name).set({ claimed_until: until }).where(id, 'in', ids).execute();
      return claim(rows);
    });
  }
  const claimed: WebhookDeliveriesTable[] = [];
  for (const row of await due(db).execute()) {
    const result = await db
      .updateTable(name)
      .set({ claimed_until: until })
      .where(id, '=', row[id])
      .where('status', '=', 'PENDING')
      .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', now)]))
      .executeTakeFirst();
    if (result.numUpdatedRows > 0n) claimed.push(row);
  }
  return claim(claimed);
}
