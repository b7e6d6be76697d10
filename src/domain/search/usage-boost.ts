/**
 * How what a team opened shapes what its members see first. Three signals, each saturating, so a result opened a
 * hundred times is not a hundred times ahead of one opened five times (and nobody can shove a result to the top by
 * opening it in a loop):
 * - opens after the same query (the strongest: this team, asking this, wanted that);
 * - opens after any query (a result the team keeps coming back to);
 * - opens of results carrying a tag (a popular tag lifts the other results that carry it).
 * Boosts multiply text relevance (1 + boost), as the Production and recency boosts do, so they reorder results the
 * words already found and never bring in one they did not; an exact name match still comes first.
 */
export const USAGE_RANKING = {
  /**
   * Heavy: a team that asked this and chose that, again and again, knows more than word statistics do. Four such
   * opens (a factor near 6) lift a result that only mentions the words above one named by them (names weigh up to
   * five times descriptions); one open (a factor of 3) does not.
   */
  sameQuery: 8,
  anyQuery: 0.5,
  /** Light: a popular tag breaks near ties between otherwise equal results. */
  tag: 0.4,
  /** Opens at which a signal reaches half its weight. */
  halfAt: 3,
} as const;

export type UsageWeights = { sameQuery: number; anyQuery: number; tag: number; halfAt: number };

/** Opens by the caller's teams, counted per document (its index id) and per tag (`key=value`). */
export interface UsageCounts {
  sameQuery: ReadonlyMap<string, number>;
  anyQuery: ReadonlyMap<string, number>;
  tags: ReadonlyMap<string, number>;
}

export interface UsageBoosts {
  /** Boost per document id, from opens of that document. */
  documents: Map<string, number>;
  /** Boost per tag value; a document takes the largest of its tags' boosts. */
  tags: Map<string, number>;
}

/** A count turned into a share of a weight: 0 for none, half at `halfAt`, approaching the whole weight. */
export function saturate(count: number, weight: number, halfAt: number): number {
  if (!(count > 0)) return 0;
  return (weight * count) / (count + halfAt);
}

export function usageBoosts(counts: UsageCounts, weights: UsageWeights = USAGE_RANKING): UsageBoosts {
  const documents = new Map<string, number>();
  const add = (docId: string, boost: number) => {
    if (boost > 0) documents.set(docId, (documents.get(docId) ?? 0) + boost);
  };
  for (const [docId, n] of counts.sameQuery) add(docId, saturate(n, weights.sameQuery, weights.halfAt));
  for (const [docId, n] of counts.anyQuery) add(docId, saturate(n, weights.anyQuery, weights.halfAt));
  const tags = new Map<string, number>();
  for (const [tag, n] of counts.tags) {
    const boost = saturate(n, weights.tag, weights.halfAt);
    if (boost > 0) tags.set(tag, boost);
  }
  return { documents, tags };
}

/** The whole factor a document's relevance is multiplied by: what the scoring query computes, for checking it. */
export function usageFactor(boosts: UsageBoosts, docId: string, docTags: readonly string[]): number {
  const tag = Math.max(0, ...docTags.map((t) => boosts.tags.get(t) ?? 0));
  return 1 + (boosts.documents.get(docId) ?? 0) + tag;
}
