import { describe, expect, it } from 'vitest';
import { approvalsNeeded, protects, validateProtection } from './protection.js';

describe('protection rules', () => {
  it('protects the stages and aliases it names, and nothing else', () => {
    const rule = validateProtection({ stages: ['production'], aliases: ['champion'] });
    expect(rule).toEqual({ stages: ['Production'], aliases: ['champion'], approvals: 1, teams: [] });
    expect(protects(rule, { stage: 'Production' })).toBe(true);
    expect(protects(rule, { stage: 'Staging' })).toBe(false);
    expect(protects(rule, { alias: 'champion' })).toBe(true);
    expect(protects(rule, { alias: 'challenger' })).toBe(false);
  });

  it('refuses rules that could never be met or make no sense', () => {
    expect(() => validateProtection({ approvals: 0 })).toThrow(/approvals/);
    expect(() => validateProtection({ approvals: 1.5 })).toThrow(/approvals/);
    expect(() => validateProtection({ stages: ['None'] })).toThrow(/None/);
    expect(() => validateProtection({ stages: ['Prod'] })).toThrow();
    expect(() => validateProtection({ aliases: ['latest'] })).toThrow(/reserved/);
  });

  it('needs one approver per required team at least', () => {
    expect(approvalsNeeded({ approvals: 1, teams: ['risk', 'legal'] })).toBe(2);
    expect(approvalsNeeded({ approvals: 3, teams: ['risk'] })).toBe(3);
  });
});
