import type { Kysely } from 'kysely';
import type { DialectName } from '../store.js';

/**
 * Saved searches: a query with its entity types and facets, under a name, kept by the person who saved it and
 * opened by anyone given its link (each reader sees its results as their own permissions allow), and the people
 * subscribed to one, told in their inbox of new results they may read.
 */
export async function up(db: Kysely<unknown>, _dialect: DialectName): Promise<void> {
  await db.schema
    .createTable('saved_searches')
    .addColumn('saved_search_id', 'text', (c) => c.primaryKey())
    .addColumn('owner_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('query', 'text', (c) => c.notNull())
    .addColumn('types', 'text', (c) => c.notNull())
    .addColumn('facets', 'text', (c) => c.notNull())
    .addColumn('created_time', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('saved_searches_by_owner').on('saved_searches').columns(['owner_id']).execute();

  // Who is told of new results, and up to when results have been looked at for them.
  await db.schema
    .createTable('saved_search_subscriptions')
    .addColumn('saved_search_id', 'text', (c) => c.notNull())
    .addColumn('principal_id', 'text', (c) => c.notNull())
    .addColumn('checked_until', 'bigint', (c) => c.notNull())
    .addColumn('created_time', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('saved_search_subscriptions_pk', ['saved_search_id', 'principal_id'])
    .execute();
}
