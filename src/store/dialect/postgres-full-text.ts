import { sql } from 'kysely';
import { tsQueryText } from '../../domain/search/search-text.js';
import type { FullText } from './full-text.js';

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/** A generated tsvector with ts_rank; pg_trgm over completion's terms. */
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
  async similarTerms(db, text, facets, limit) {
    // Nearest first along the GiST trigram index, which stops after `limit`: no similarity threshold to fall short of.
    const { rows } = await sql<{ facet: string; value: string; value_key: string }>`
      select t.facet, t.value, t.value_key
      from search_terms t
      where t.facet in (${sql.join(facets)})
      order by t.value_key <-> ${text}
      limit ${limit}`.execute(db);
    return rows;
  },
};
