/**
 * How long what people searched for is kept. The query text of an open is personal (it says what someone was looking
 * for) and only useful while fresh: it is wiped after `queryRetentionMs`. The open itself, without its text, still
 * says which result the team chose and counts for its popularity until `openRetentionMs`, when it is deleted.
 */
export const DEFAULT_USAGE_RETENTION = {
  queryRetentionMs: 30 * 24 * 3600 * 1000,
  openRetentionMs: 180 * 24 * 3600 * 1000,
} as const;

export interface UsageRetention {
  queryRetentionMs: number;
  openRetentionMs: number;
}

/** Opens before `queryTextBefore` lose their query text; opens before `openBefore` are deleted. */
export function usageCutoffs(now: number, retention: UsageRetention): { queryTextBefore: number; openBefore: number } {
  return {
    queryTextBefore: now - retention.queryRetentionMs,
    // An open never outlives its text's retention by less than nothing: the longer of the two periods wins.
    openBefore: now - Math.max(retention.openRetentionMs, retention.queryRetentionMs),
  };
}

/**
 * The groups an open is filed under: each team of the person, or the person alone when in none, so that what
 * someone opens shapes results for the people they work with and nobody else.
 */
export function usageTeamKeys(principal: { id: string; teamIds: readonly string[] }): string[] {
  return principal.teamIds.length === 0
    ? [`user:${principal.id}`]
    : [...principal.teamIds].sort().map((t) => `team:${t}`);
}
