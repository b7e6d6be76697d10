import type { Kysely } from 'kysely';
import type { DialectName } from '../store.js';

/** Reports: titled, ordered blocks (notes, runs, charts) pinned on an experiment, listed by experiment. */
export async function up(db: Kysely<unknown>, _dialect: DialectName): Promise<void> {
  await db.schema
    .createTable('reports')
    .addColumn('report_id', 'text', (c) => c.primaryKey())
    .addColumn('experiment_id', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('blocks', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_time', 'bigint', (c) => c.notNull())
    .addColumn('last_updated_by', 'text', (c) => c.notNull())
    .addColumn('last_updated_time', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('reports_by_experiment')
    .on('reports')
    .columns(['experiment_id', 'last_updated_time', 'report_id'])
    .execute();
}
