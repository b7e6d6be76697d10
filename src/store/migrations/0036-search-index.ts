import { type Kysely, sql } from 'kysely';
import type { DialectName } from '../store.js';

/**
 * The discovery index: one document per searchable entity (registered model, model version, experiment, run, dataset,
 * dataset version, feature, deployment), its facet values and the metric values its range facets read. Documents
 * are written in the transaction of the change they describe (see search-indexer.ts); the server fills in documents
 * missing for rows that existed before this migration, or were loaded behind its back, when it starts.
 *
 * Text columns hold words already normalised (lower case, no accents, punctuation as spaces), so both databases
 * tokenise them alike: SQLite through an FTS5 table over the documents, PostgreSQL through a generated tsvector under
 * a GIN index. Facet values take a trigram index on both (FTS5's trigram tokenizer, pg_trgm), which typo-tolerant
 * completion draws its candidates from.
 */
export async function up(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  const big = dialect === 'postgres' ? 'bigint' : 'integer';
  await db.schema
    .createTable('search_documents')
    .addColumn('doc_id', 'text', (c) => c.primaryKey())
    .addColumn('entity_type', 'text', (c) => c.notNull())
    .addColumn('entity_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('name_key', 'text', (c) => c.notNull())
    .addColumn('name_words', 'text', (c) => c.notNull())
    .addColumn('body_words', 'text', (c) => c.notNull())
    .addColumn('keyword_words', 'text', (c) => c.notNull())
    .addColumn('people_words', 'text', (c) => c.notNull())
    .addColumn('stage', 'text')
    .addColumn('production', 'integer', (c) => c.notNull())
    .addColumn('experiment_id', 'text')
    .addColumn('model_id', 'text')
    .addColumn('dataset_id', 'text')
    .addColumn('summary', 'text', (c) => c.notNull())
    .addColumn('created_time', sql.raw(big), (c) => c.notNull())
    .addColumn('updated_time', sql.raw(big), (c) => c.notNull())
    .execute();
  await db.schema.createIndex('search_documents_recency').on('search_documents').columns(['updated_time']).execute();
  await db.schema
    .createIndex('search_documents_entity')
    .on('search_documents')
    .columns(['entity_type', 'entity_id'])
    .unique()
    .execute();
  await db.schema
    .createTable('search_facets')
    .addColumn('doc_id', 'text', (c) => c.notNull())
    .addColumn('facet', 'text', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('value_key', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('search_facets_pk', ['doc_id', 'facet', 'value'])
    .execute();
  await db.schema
    .createIndex('search_facets_value')
    .on('search_facets')
    .columns(['facet', 'value', 'doc_id'])
    .execute();
  await db.schema
    .createTable('search_metrics')
    .addColumn('doc_id', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('value', 'double precision', (c) => c.notNull())
    .addPrimaryKeyConstraint('search_metrics_pk', ['doc_id', 'key'])
    .execute();
  await db.schema.createIndex('search_metrics_range').on('search_metrics').columns(['key', 'value']).execute();

  if (dialect === 'postgres') {
    await sql`create extension if not exists pg_trgm`.execute(db);
    await sql`
      alter table search_documents add column tsv tsvector generated always as (
        setweight(to_tsvector('simple', name_words), 'A') ||
        setweight(to_tsvector('simple', keyword_words), 'B') ||
        setweight(to_tsvector('simple', body_words), 'C') ||
        setweight(to_tsvector('simple', people_words), 'D')
      ) stored`.execute(db);
    await sql`create index search_documents_tsv on search_documents using gin (tsv)`.execute(db);
    await sql`create index search_facets_prefix on search_facets (facet, value_key text_pattern_ops)`.execute(db);
    await sql`create index search_facets_trigram on search_facets using gin (value_key gin_trgm_ops)`.execute(db);
    return;
  }
  await db.schema.createIndex('search_facets_prefix').on('search_facets').columns(['facet', 'value_key']).execute();
  await sql`
    create virtual table search_fts using fts5(
      name_words, keyword_words, body_words, people_words,
      content='search_documents', tokenize='unicode61 remove_diacritics 2'
    )`.execute(db);
  await sql`
    create trigger search_documents_fts_insert after insert on search_documents begin
      insert into search_fts (rowid, name_words, keyword_words, body_words, people_words)
      values (new.rowid, new.name_words, new.keyword_words, new.body_words, new.people_words);
    end`.execute(db);
  await sql`
    create trigger search_documents_fts_delete after delete on search_documents begin
      insert into search_fts (search_fts, rowid, name_words, keyword_words, body_words, people_words)
      values ('delete', old.rowid, old.name_words, old.keyword_words, old.body_words, old.people_words);
    end`.execute(db);
  await sql`
    create virtual table search_facets_trigram using fts5(
      value_key, content='search_facets', tokenize='trigram'
    )`.execute(db);
  await sql`
    create trigger search_facets_trigram_insert after insert on search_facets begin
      insert into search_facets_trigram (rowid, value_key) values (new.rowid, new.value_key);
    end`.execute(db);
  await sql`
    create trigger search_facets_trigram_delete after delete on search_facets begin
      insert into search_facets_trigram (search_facets_trigram, rowid, value_key)
      values ('delete', old.rowid, old.value_key);
    end`.execute(db);
}
