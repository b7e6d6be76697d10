import { describe, expect, it } from 'vitest';
import { teamMembershipChanges } from './team-sync.js';

describe('teamMembershipChanges', () => {
  const existing = new Set(['ml', 'ops', 'data']);

  it('joins listed teams that exist and ignores groups without a team', () => {
    expect(teamMembershipChanges([], ['ml', 'everyone@corp', 'ops'], existing)).toEqual({
      join: ['ml', 'ops'],
      leave: [],
    });
  });

  it('leaves teams the provider no longer lists', () => {
    expect(teamMembershipChanges(['ml', 'data'], ['ml'], existing)).toEqual({ join: [], leave: ['data'] });
    expect(teamMembershipChanges(['ml'], [], existing)).toEqual({ join: [], leave: ['ml'] });
  });

  it('changes nothing when memberships already match', () => {
    expect(teamMembershipChanges(['ops', 'ml'], ['ml', 'ops'], existing)).toEqual({ join: [], leave: [] });
  });
});
