import { describe, expect, it } from 'vitest';
import { DEFAULT_USAGE_RETENTION, usageCutoffs, usageTeamKeys } from './usage-retention.js';

describe('usage retention', () => {
  it('wipes query text after its period and deletes opens after theirs', () => {
    const now = 1_000_000_000_000;
    const cut = usageCutoffs(now, DEFAULT_USAGE_RETENTION);
    expect(cut.queryTextBefore).toBe(now - DEFAULT_USAGE_RETENTION.queryRetentionMs);
    expect(cut.openBefore).toBe(now - DEFAULT_USAGE_RETENTION.openRetentionMs);
  });

  it('never deletes an open before its query text would have been wiped', () => {
    const cut = usageCutoffs(100_000, { queryRetentionMs: 50_000, openRetentionMs: 10_000 });
    expect(cut.openBefore).toBe(50_000);
    expect(cut.queryTextBefore).toBe(50_000);
  });

  it('files opens under every team of the person, or the person alone', () => {
    expect(usageTeamKeys({ id: 'u1', teamIds: ['t2', 't1'] })).toEqual(['team:t1', 'team:t2']);
    expect(usageTeamKeys({ id: 'u1', teamIds: [] })).toEqual(['user:u1']);
  });
});
