import { sql } from 'kysely';
import { COMPLETION_FACETS, type IndexedFacetRow } from '../../domain/search/search-document.js';
import { dialectOf } from '../dialect/dialect-of.js';
import type { Executor } from '../store.js';

/**
 * Completion's vocabulary (`search_terms`): each distinct value of a completed facet once, kept in step with the
 * facet rows by the index's writes. It says only that some document holds a value; who may read one is answered by
 * the facet rows, so every term read from here is counted on readable documents before it is shown.
 */
export type TermRow = { facet: string; value: string; value_key: string };

const completed = new Set<string>(COMPLETION_FACETS);
const termKey = (row: { facet: string; value: string }) => `${row.facet}\u0000${row.value}`;

/** Terms per INSERT statement, under both databases' bound-parameter limits. */
export const TERM_ROWS = 300;

/** The completed facet values of these rows, each once, as term rows. */
export function completionTerms(rows: readonly IndexedFacetRow[]): TermRow[] {
  const terms = new Map<string, TermRow>();
  for (const row of rows) {
    if (completed.has(row.facet))
      terms.set(termKey(row), { facet: row.facet, value: row.value, value_key: row.value_key });
  }
  return [...terms.values()];
}

/** Records the completed facet values of these rows as terms (those known already are left as they are). */
export async function addTerms(db: Executor, rows: readonly IndexedFacetRow[]): Promise<void> {
  const all = completionTerms(rows);
  for (let i = 0; i < all.length; i += TERM_ROWS) {
    await db
      .insertInto('search_terms')
      .values(all.slice(i, i + TERM_ROWS))
      .onConflict((oc) => oc.columns(['facet', 'value']).doNothing())
      .execute();
  }
}

/** Forgets those of these values that no document holds any more (call after their facet rows are deleted). */
export async function dropUnusedTerms(db: Executor, rows: readonly { facet: string; value: string }[]): Promise<void> {
  const pairs = new Map<string, { facet: string; value: string }>();
  for (const row of rows) if (completed.has(row.facet)) pairs.set(termKey(row), row);
  const all = [...pairs.values()];
  for (let i = 0; i < all.length; i += 200) {
    const chunk = all.slice(i, i + 200);
    await sql`
      delete from search_terms
      where (${sql.join(
        chunk.map((p) => sql`(facet = ${p.facet} and value = ${p.value})`),
        sql` or `,
      )})
        and not exists (
          select 1 from search_facets f where f.facet = search_terms.facet and f.value = search_terms.value
        )`.execute(db);
  }
}

/** Terms of these facets starting with `prefix` (normalised), at most `limit`, read along the prefix index. */
export async function termsByPrefix(
  db: Executor,
  prefix: string,
  facets: readonly string[],
  limit: number,
): Promise<TermRow[]> {
  const { rows } = await sql<TermRow>`
    select f.facet, f.value, f.value_key from search_terms f
    where f.facet in (${sql.join(facets)}) and ${dialectOf(db).fullText.prefix(prefix)}
    limit ${limit}`.execute(db);
  return rows;
}

/** Terms of these facets sharing trigrams with `text`, best first: typo-tolerant completion's candidates. */
export function similarTerms(db: Executor, text: string, facets: readonly string[], limit: number): Promise<TermRow[]> {
  return dialectOf(db).fullText.similarTerms(db, text, facets, limit);
}
