import { describe, expect, it } from 'vitest';
import { type ApprovalAttempt, approvalRefusal, eligibilityRefusal } from './separation-of-duties.js';

const base: ApprovalAttempt = {
  approver: 'carol',
  approverTeams: ['risk'],
  approverManagesModel: false,
  requester: 'rob',
  versionAuthor: 'ann',
  runUser: 'tim',
  approvedBy: [],
  requiredTeams: ['risk'],
  modelName: 'fraud',
  version: 3,
};

describe('who may approve a transition request', () => {
  it('lets an eligible stranger to the version approve', () => {
    expect(approvalRefusal(base)).toBeUndefined();
  });

  it.each([
    ['the requester', { approver: 'rob' }, /separation of duties: 'rob' requested/],
    ['the author of the version', { approver: 'ann' }, /separation of duties: 'ann' registered version 3/],
    ['the user of the source run', { approver: 'tim' }, /separation of duties: 'tim' ran the source run/],
    ['an earlier approver', { approvedBy: ['carol'] }, /one person cannot fill two approval slots/],
    ['someone in no required team', { approverTeams: ['ops'] }, /^team: 'carol' is in none of the teams .*risk/],
    [
      'a non-manager where no team is required',
      { requiredTeams: [], approverTeams: [] },
      /^role: approving transitions of 'fraud' needs the manager role/,
    ],
  ])('refuses %s, naming the rule', (_who, change, message) => {
    expect(approvalRefusal({ ...base, ...change })).toMatch(message);
  });

  it('puts separation of duties before team membership', () => {
    expect(approvalRefusal({ ...base, approver: 'rob', approverTeams: [] })).toMatch(/^separation of duties/);
  });

  it('accepts a manager of the model where no team is required; a version without a run has no run user', () => {
    expect(approvalRefusal({ ...base, requiredTeams: [], approverManagesModel: true, runUser: null })).toBeUndefined();
    expect(eligibilityRefusal({ ...base, approver: 'rob' })).toBeUndefined();
  });
});
