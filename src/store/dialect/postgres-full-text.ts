import { sql } from 'kysely';
import { tsQueryText } from '../../domain/search/search-text.js';
import type { FullText } from './full-text.js';

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/** A generated tsvector with ts_rank; pg_trgm over facet values. */
export const postgresFullText: FullText = {
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
