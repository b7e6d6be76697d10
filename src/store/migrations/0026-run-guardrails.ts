import type { Kysely } from 'kysely';

/**
 * Required metadata for runs: what the server, a team or an experiment requires of a finished run, and what each
 * finished run was found to lack.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('run_requirements')
    // `server`, `team:<team id>` or `experiment:<experiment id>`.
    .addColumn('scope', 'text', (c) => c.primaryKey())
    .addColumn('requirements', 'text', (c) => c.notNull())
    .addColumn('creation_time', 'bigint', (c) => c.notNull())
    .addColumn('last_updated_time', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('run_completeness')
    .addColumn('run_id', 'text', (c) => c.primaryKey().references('runs.run_id').onDelete('cascade'))
    .addColumn('complete', 'integer', (c) => c.notNull())
    .addColumn('missing', 'text', (c) => c.notNull())
    .addColumn('evaluated_time', 'bigint', (c) => c.notNull())
    .execute();
  // `attributes.complete = false` reads the few incomplete runs through this index.
  await db.schema.createIndex('run_completeness_complete').on('run_completeness').columns(['complete']).execute();
}
