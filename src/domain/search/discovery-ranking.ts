/**
 * How results are ordered beyond text relevance (bm25 on SQLite, ts_rank on PostgreSQL, both weighting the name
 * most, then tags and keys, then descriptions and cards, then people). Boosts multiply relevance, so they act the
 * same on both databases' scales; an exact name match is added on top and always comes first.
 */
export const DISCOVERY_RANKING = {
  exactName: 1000,
  production: 0.5,
  recency: 0.2,
  /** Thirty days: something changed a month ago gets half the recency boost of something changed now. */
  recencyHalfMs: 30 * 24 * 3600 * 1000,
} as const;

/** Values listed per term facet; the rest are counted in no list (ask with a narrower query). */
export const FACET_VALUES_LISTED = 20;
/** Numeric keys (metrics) whose spread is returned, most frequent first. */
export const NUMERIC_FACETS_LISTED = 30;
