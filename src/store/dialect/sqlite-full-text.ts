import { sql } from 'kysely';
import { fts5Match } from '../../domain/search/search-text.js';
import type { FullText } from './full-text.js';

/** FTS5 with bm25 over the documents; FTS5's trigram tokenizer over facet values. */
export const sqliteFullText: FullText = {
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
