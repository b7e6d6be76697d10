import { sql } from 'kysely';
import { fts5Match } from '../../domain/search/search-text.js';
import { type TrigramPosting, trigramCandidates } from '../../domain/search/trigram-candidates.js';
import { trigramsOf } from '../../domain/search/typo-distance.js';
import type { FullText } from './full-text.js';

/** Terms holding a trigram beyond which it counts as common, and is no help in telling candidates apart. */
const COMMON_TRIGRAM = 5000;
/** Characters of a typed word whose trigrams are looked up: enough to find a word a typo or two away, and bounded. */
const TRIGRAMS_OF_CHARS = 16;

/** FTS5 with bm25 over the documents; FTS5's trigram tokenizer over completion's terms. */
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
  async similarTerms(db, text, facets, limit) {
    // Each trigram's terms are read up to a cap: a common trigram costs no more than an uncommon one.
    const postings: TrigramPosting[] = [];
    for (const gram of trigramsOf(text.slice(0, TRIGRAMS_OF_CHARS))) {
      // One row holding the ids as a JSON array: thousands of one-column rows cost more to hand over than to find.
      const { rows } = await sql<{ ids: string }>`
        select json_group_array(rowid) as ids from (
          select rowid from search_terms_trigram where search_terms_trigram match ${`"${gram.replace(/"/g, '""')}"`}
          limit ${COMMON_TRIGRAM + 1}
        )`.execute(db);
      const ids = JSON.parse(rows[0]?.ids ?? '[]') as number[];
      postings.push({ ids: ids.slice(0, COMMON_TRIGRAM), complete: ids.length <= COMMON_TRIGRAM });
    }
    // More ids than asked for: some are of facets not asked about, which the trigram index cannot tell apart.
    const ids = trigramCandidates(postings, limit * 2);
    if (ids.length === 0) return [];
    // Looked up by rowid (one statement text, however many): the facet is checked here, as a condition on it would
    // draw SQLite to the facet's index instead.
    const { rows } = await sql<{ rowid: number; facet: string; value: string; value_key: string }>`
      select rowid, facet, value, value_key from search_terms
      where rowid in (select value from json_each(${JSON.stringify(ids)}))`.execute(db);
    const rank = new Map(ids.map((id, i) => [id, i]));
    const wanted = new Set(facets);
    return rows
      .filter((row) => wanted.has(row.facet))
      .sort((a, b) => rank.get(a.rowid)! - rank.get(b.rowid)!)
      .slice(0, limit)
      .map(({ facet, value, value_key }) => ({ facet, value, value_key }));
  },
};
