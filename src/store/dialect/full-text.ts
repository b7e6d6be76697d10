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
