import type { Kysely } from 'kysely';

/**
 * Model versions flagged for revalidation: one row per cause (something upstream that changed), open until cleared by
 * an evaluation on the new upstream version or by a manager. The path is the lineage chain, kept as JSON.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('model_version_revalidations')
    .addColumn('flag_id', 'text', (c) => c.primaryKey())
    .addColumn('model_id', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('cause_kind', 'text', (c) => c.notNull())
    .addColumn('upstream_node', 'text', (c) => c.notNull())
    .addColumn('upstream_label', 'text', (c) => c.notNull())
    .addColumn('replaced_node', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('path', 'text', (c) => c.notNull())
    .addColumn('raised_time', 'bigint', (c) => c.notNull())
    .addColumn('cleared_time', 'bigint')
    .addColumn('cleared_by', 'text')
    .addColumn('cleared_actor', 'text')
    .addColumn('cleared_reason', 'text')
    .execute();
  await db.schema
    .createIndex('model_version_revalidations_by_version')
    .on('model_version_revalidations')
    .columns(['model_id', 'version', 'cleared_time'])
    .execute();
  await db.schema
    .createIndex('model_version_revalidations_by_time')
    .on('model_version_revalidations')
    .columns(['raised_time'])
    .execute();
}
