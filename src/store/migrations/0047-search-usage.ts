import type { Kysely } from 'kysely';
import type { DialectName } from '../store.js';

/**
 * What discovery learns from use: which result was opened after which query, filed under each team of the person who
 * opened it (one row per team, sharing the open's id, so a person in two teams counts once for someone in both), and
 * each person's choice not to be recorded. The query text is wiped once its retention period has passed; the open
 * itself is kept longer, for the result's popularity, and then deleted too.
 */
export async function up(db: Kysely<unknown>, _dialect: DialectName): Promise<void> {
  await db.schema
    .createTable('search_opens')
    .addColumn('open_id', 'text', (c) => c.notNull())
    .addColumn('team_key', 'text', (c) => c.notNull())
    .addColumn('principal_id', 'text', (c) => c.notNull())
    .addColumn('query_key', 'text')
    .addColumn('doc_id', 'text', (c) => c.notNull())
    .addColumn('opened_time', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('search_opens_pk', ['open_id', 'team_key'])
    .execute();
  await db.schema
    .createIndex('search_opens_by_query')
    .on('search_opens')
    .columns(['team_key', 'query_key', 'doc_id'])
    .execute();
  await db.schema.createIndex('search_opens_by_doc').on('search_opens').columns(['team_key', 'doc_id']).execute();
  await db.schema.createIndex('search_opens_by_time').on('search_opens').columns(['opened_time']).execute();
  await db.schema.createIndex('search_opens_by_principal').on('search_opens').columns(['principal_id']).execute();

  await db.schema
    .createTable('search_usage_preferences')
    .addColumn('principal_id', 'text', (c) => c.primaryKey())
    .addColumn('record_opens', 'integer', (c) => c.notNull())
    .addColumn('updated_time', 'bigint', (c) => c.notNull())
    .execute();
}
