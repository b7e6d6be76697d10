import { type Kysely, sql } from 'kysely';
import type { DialectName } from '../store.js';

/**
 * A subscription to a saved search remembers up to which audit event it has looked for new results, instead of up
 * to which time. Events are numbered under the log's lock in commit order, so an entity whose write was held open
 * past a check is still after the mark when it commits; a creation time stamped before the mark is not missed.
 * Existing subscriptions start from the log's current end.
 */
export async function up(db: Kysely<unknown>, _dialect: DialectName): Promise<void> {
  await db.schema
    .alterTable('saved_search_subscriptions')
    .addColumn('checked_seq', 'bigint', (c) => c.notNull().defaultTo(0))
    .execute();
  await sql`update saved_search_subscriptions set checked_seq = (select last_seq from audit_head where id = 1)`.execute(
    db,
  );
}
