import type { Kysely } from 'kysely';

/**
 * Each metric point remembers the batch that stored it, so `mnemo audit verify` can recompute every batch's audited
 * digest from the rows and name the event whose points were edited or deleted. Points stored before this migration
 * keep a null batch and are checked against their events by count, as before.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('metrics').addColumn('batch', 'bigint').execute();
}
