import type { RawBuilder } from 'kysely';
import type { Executor } from '../store.js';

/**
 * Where the discovery index's full-text and trigram reads differ between the databases: FTS5 with bm25 on SQLite,
 * a tsvector with ts_rank and pg_trgm on PostgreSQL. Each dialect carries its own (`dialectOf(db).fullText`).
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
  /**
   * Terms (completion's vocabulary, any document's) of these facets sharing trigrams with `text`, best first, at most
   * `limit`: typo-tolerant completion's candidates, which it counts on readable documents before showing any.
   */
  similarTerms(
    db: Executor,
    text: string,
    facets: readonly string[],
    limit: number,
  ): Promise<{ facet: string; value: string; value_key: string }[]>;
}
