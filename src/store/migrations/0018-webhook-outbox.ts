import type { Kysely } from 'kysely';

/**
 * Registry events waiting to be delivered to webhooks, written in the transaction of the change that made them, so
 * a delivery owed survives a crash or restart; a row goes once every subscribed webhook was tried. `claimed_until`
 * is the lease of the server delivering it: another replica takes the row over when the lease ran out.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('webhook_outbox')
    .addColumn('event_id', 'text', (c) => c.primaryKey())
    .addColumn('announcement', 'text', (c) => c.notNull())
    .addColumn('created_time', 'bigint', (c) => c.notNull())
    .addColumn('claimed_until', 'bigint')
    .execute();
  await db.schema
    .createIndex('webhook_outbox_created')
    .on('webhook_outbox')
    .columns(['created_time', 'event_id'])
    .execute();
}
