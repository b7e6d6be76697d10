import { PostgresAdapter, type RawBuilder, sql } from 'kysely';
import { fts5Match, tsQueryText } from '../../domain/search/search-text.js';
import type { Executor } from '../store.js';

/**
 * Where the discovery index's full-text and trigram reads differ between the databases: FTS5 with bm25 on SQLite,
 * a tsvector with ts_rank and pg_trgm on PostgreSQL. Chosen from the executor, like the SQL dialect.
 */
export interface FullText {
  /** Documents `d` matching every term, joined in `from` and tested in `where`, with a relevance (higher better). */
  match(terms: readonly string[]): {
    from: RawBuilder<unknown>;
    where: RawBuilder<unknown>;
    relevance: RawBuilder<unknown>;
  };
  /** Facet rows `f` whose value starts with `prefix` (normalised), using the prefix index. */
  prefix(prefix: string): RawBuilder<unknown>;
  /** Facet rows `f` sharing trigrams with `text`, best first: typo-tolerant completion's candidates. */
  similar(
    db: Executor,
    text: string,
    trigrams: readonly string[],
    facets: readonly string[],
    visible: RawBuilder<unknown>,
    limit: number,
  ): Promise<{ facet: string; value: string; value_key: string }[]>;
}

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

const sqlite: FullText = {
  match(terms) {
    return {
      from: sql`join search_fts on search_fts.rowid = d.rowid`,
      where: sql`search_fts match ${fts5Match(terms)}`,
      // bm25 is lower for better matches; the name counts most, then keywords, text, people.
      relevance: sql`(-bm25(search_fts, 10.0, 4.0, 2.0, 1.0))`,
    };
  },
  prefix(prefix) {
    // value_key is lower case already: a range of the (facet, value_key) index, which LIKE would not use.
    return sql`(f.value_key >= ${prefix} and f.value_key < ${`${prefix}\u{10ffff}`})`;
  },
  async similar(db, _text, trigrams, facets, visible, limit) {
    if (trigrams.length === 0) return [];
    const match = trigrams.map((t) => `"${t.replace(/"/g, '""')}"`).join(' OR ');
    const { rows } = await sql<{ facet: string; value: string; value_key: string }>`
      select f.facet, f.value, f.value_key
      from search_facets_trigram t
      join search_facets f on f.rowid = t.rowid
      join search_documents d on d.doc_id = f.doc_id
      where search_facets_trigram match ${match}
        and f.facet in (${sql.join(facets)}) and ${visible}
      order by t.rank
      limit ${limit}`.execute(db);
    return rows;
  },
};

const postgres: FullText = {
  match(terms) {
    const query = sql`to_tsquery('simple', ${tsQueryText(terms)})`;
    return {
      from: sql``,
      where: sql`d.tsv @@ ${query}`,
      relevance: sql`ts_rank('{0.1, 0.2, 0.4, 1.0}', d.tsv, ${query})`,
    };
  },
  prefix(prefix) {
    return sql`f.value_key like ${`${escapeLike(prefix)}%`}`;
  },
  async similar(db, text, _trigrams, facets, visible, limit) {
    const { rows } = await sql<{ facet: string; value: string; value_key: string }>`
      select f.facet, f.value, f.value_key
      from search_facets f
      join search_documents d on d.doc_id = f.doc_id
      where f.value_key % ${text} and f.facet in (${sql.join(facets)}) and ${visible}
      order by similarity(f.value_key, ${text}) desc
      limit ${limit}`.execute(db);
    return rows;
  },
};

export function fullTextOf(db: Executor): FullText {
  return db.getExecutor().adapter instanceof PostgresAdapter ? postgres : sqlite;
}
