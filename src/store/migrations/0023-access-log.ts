import type { Kysely } from 'kysely';

/**
 * Successful reads, counted per principal, resource and hour: who looked at what, and when, without one row (or one
 * write) per request.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('access_log')
    .addColumn('principal', 'text', (c) => c.notNull())
    .addColumn('resource', 'text', (c) => c.notNull())
    .addColumn('hour', 'bigint', (c) => c.notNull())
    .addColumn('requests', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('access_log_pk', ['principal', 'resource', 'hour'])
    .execute();
  await db.schema.createIndex('access_log_hour').on('access_log').columns(['hour']).execute();
}
