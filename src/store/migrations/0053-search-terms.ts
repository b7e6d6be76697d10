import { type Kysely, sql } from 'kysely';
import type { DialectName } from '../store.js';

/** The facets completion suggests, as they were when this migration was written. */
const COMPLETED_FACETS = ['name', 'tag_key', 'tag_value', 'param_key', 'metric_key', 'owner'];

/**
 * The vocabulary of completion: each distinct value of a completed facet once, however many documents hold it, with
 * the trigram index typo-tolerant completion draws its candidates from. The trigram index over every facet row
 * (one row per document and value) is dropped: a tag value on ten thousand runs filled ten thousand entries of it, so
 * each typo read and ranked them all. Which documents hold a term, and whether the caller may read one, is still
 * answered by `search_facets`.
 */
export async function up(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  await db.schema
    .createTable('search_terms')
    .addColumn('facet', 'text', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('value_key', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('search_terms_pk', ['facet', 'value'])
    .execute();
  const facets = sql.join(COMPLETED_FACETS);
  if (dialect === 'postgres') {
    await sql`create index search_terms_prefix on search_terms (facet, value_key text_pattern_ops)`.execute(db);
    // GiST rather than GIN: it walks terms nearest first (`<->`), where GIN hands back every term sharing a trigram
    // with a typo (fifty thousand "model-…" names for "modle-…") for similarity to be computed on each.
    await sql`create index search_terms_trigram on search_terms using gist (value_key gist_trgm_ops)`.execute(db);
    await sql`drop index if exists search_facets_trigram`.execute(db);
  } else {
    await db.schema.createIndex('search_terms_prefix').on('search_terms').columns(['facet', 'value_key']).execute();
    // A rowid table (the primary key above is a unique index), so the trigram table can point at its rows.
    await sql`
      create virtual table search_terms_trigram using fts5(
        value_key, content='search_terms', tokenize='trigram'
      )`.execute(db);
    await sql`
      create trigger search_terms_trigram_insert after insert on search_terms begin
        insert into search_terms_trigram (rowid, value_key) values (new.rowid, new.value_key);
      end`.execute(db);
    await sql`
      create trigger search_terms_trigram_delete after delete on search_terms begin
        insert into search_terms_trigram (search_terms_trigram, rowid, value_key)
        values ('delete', old.rowid, old.value_key);
      end`.execute(db);
    await sql`drop trigger search_facets_trigram_insert`.execute(db);
    await sql`drop trigger search_facets_trigram_delete`.execute(db);
    await sql`drop table search_facets_trigram`.execute(db);
  }
  await sql`
    insert into search_terms (facet, value, value_key)
    select facet, value, min(value_key) from search_facets where facet in (${facets}) group by facet, value`.execute(
    db,
  );
}
