import { describe, expect, it } from 'vitest';
import { protectionDefaults } from '../../src/api/server.js';

describe("the server's default protection", () => {
  it('protects Production with authentication and nothing without, unless told otherwise', () => {
    expect(protectionDefaults({ auth: { enabled: true } }).serverDefault.stages).toEqual(['Production']);
    expect(protectionDefaults({}).serverDefault.stages).toEqual([]);
    expect(protectionDefaults({ auth: { enabled: false } }).serverDefault.stages).toEqual([]);
    expect(protectionDefaults({ auth: { enabled: true }, protection: { stages: [] } }).serverDefault.stages).toEqual(
      [],
    );
    const told = protectionDefaults({
      protection: { stages: ['Staging', 'Production'], aliases: ['champion'], approvals: 2, teams: ['risk'] },
    });
    expect(told.serverDefault).toEqual({
      stages: ['Staging', 'Production'],
      aliases: ['champion'],
      approvals: 2,
      teams: ['risk'],
    });
  });

  it('refuses a stage that does not exist or an impossible approval count at start-up', () => {
    expect(() => protectionDefaults({ protection: { stages: ['Prod'] } })).toThrow();
    expect(() => protectionDefaults({ protection: { approvals: 0 } })).toThrow(/approvals/);
  });
});
