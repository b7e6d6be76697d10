import { describe, expect, it } from 'vitest';
import { quorum } from './quorum.js';

describe('quorum', () => {
  it('counts distinct approvers when no team is required', () => {
    const rule = { approvals: 2, teams: [] };
    expect(quorum(rule, [{ approver: 'a', teams: [] }]).reached).toBe(false);
    expect(
      quorum(rule, [
        { approver: 'a', teams: [] },
        { approver: 'a', teams: [] },
      ]),
    ).toMatchObject({ approvals: 1, reached: false });
    expect(
      quorum(rule, [
        { approver: 'a', teams: [] },
        { approver: 'b', teams: [] },
      ]).reached,
    ).toBe(true);
  });

  it('needs an approver of its own for every required team', () => {
    const rule = { approvals: 2, teams: ['risk', 'legal'] };
    const twoFromRisk = quorum(rule, [
      { approver: 'r1', teams: ['risk'] },
      { approver: 'r2', teams: ['risk'] },
    ]);
    expect(twoFromRisk).toEqual({ approvals: 2, needed: 2, reached: false, teamsMissing: ['legal'] });
    expect(
      quorum(rule, [
        { approver: 'r1', teams: ['risk'] },
        { approver: 'l1', teams: ['legal'] },
      ]).reached,
    ).toBe(true);
  });

  it('lets one person in two teams stand for one of them only', () => {
    const rule = { approvals: 1, teams: ['risk', 'legal'] };
    const alone = quorum(rule, [{ approver: 'both', teams: ['risk', 'legal'] }]);
    expect(alone).toMatchObject({ approvals: 1, needed: 2, reached: false });
    // The member of both teams moves to whichever team the next approver cannot cover.
    expect(
      quorum(rule, [
        { approver: 'both', teams: ['risk', 'legal'] },
        { approver: 'r1', teams: ['risk'] },
      ]).reached,
    ).toBe(true);
  });

  it('asks for the larger of the approval count and the team count', () => {
    expect(quorum({ approvals: 3, teams: ['risk'] }, []).needed).toBe(3);
    expect(quorum({ approvals: 1, teams: ['a', 'b', 'c'] }, []).needed).toBe(3);
  });
});
