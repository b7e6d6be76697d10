import type { Kysely } from 'kysely';
import type { DialectName } from '../store.js';

/**
 * Collaboration: comments on runs, model versions and datasets (pages read by entity, oldest first) and milestones
 * on an experiment or a registered model.
 */
export async function up(db: Kysely<unknown>, _dialect: DialectName): Promise<void> {
  await db.schema
    .createTable('comments')
    .addColumn('comment_id', 'text', (c) => c.primaryKey())
    .addColumn('entity_kind', 'text', (c) => c.notNull())
    .addColumn('entity_id', 'text', (c) => c.notNull())
    .addColumn('author_id', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('created_time', 'bigint', (c) => c.notNull())
    .addColumn('last_updated_time', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('comments_by_entity')
    .on('comments')
    .columns(['entity_kind', 'entity_id', 'created_time', 'comment_id'])
    .execute();

  await db.schema
    .createTable('milestones')
    .addColumn('milestone_id', 'text', (c) => c.primaryKey())
    .addColumn('scope_kind', 'text', (c) => c.notNull())
    .addColumn('scope_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('metric_key', 'text', (c) => c.notNull())
    .addColumn('comparator', 'text', (c) => c.notNull())
    .addColumn('target', 'double precision', (c) => c.notNull())
    .addColumn('due_time', 'bigint', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_time', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('milestones_by_scope').on('milestones').columns(['scope_kind', 'scope_id']).execute();
}
