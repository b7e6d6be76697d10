import type { Kysely } from 'kysely';

/**
 * Promotion policies: named CEL rules attached to a stage or alias, for every model or one (by id, so a rename
 * keeps them). The current version of each lives here; the audit log keeps every earlier one.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('policies')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('model_id', 'text')
    .addColumn('target_stage', 'text')
    .addColumn('target_alias', 'text')
    .addColumn('rules', 'text', (c) => c.notNull())
    .addColumn('creation_time', 'bigint', (c) => c.notNull())
    .addColumn('last_updated_time', 'bigint', (c) => c.notNull())
    .execute();
}
