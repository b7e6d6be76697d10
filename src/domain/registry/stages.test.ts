import { describe, expect, it } from 'vitest';
import { latestPerStage, parseStage, planTransition } from './stages.js';

describe('stages', () => {
  it('parses stages in any letter case and refuses others, listing the set', () => {
    expect(parseStage('production')).toBe('Production');
    expect(parseStage('NONE')).toBe('None');
    expect(() => parseStage('Canary')).toThrow('allowed stages: None, Staging, Production, Archived');
  });

  const versions = [
    { version: 1, stage: 'Production' as const },
    { version: 2, stage: 'Staging' as const },
    { version: 3, stage: 'Production' as const },
    { version: 4, stage: 'None' as const },
  ];

  it('moves only the version unless asked to archive the others in the target stage', () => {
    expect(planTransition(versions, 4, 'Production', false)).toEqual([{ version: 4, from: 'None', to: 'Production' }]);
    expect(planTransition(versions, 4, 'Production', true)).toEqual([
      { version: 4, from: 'None', to: 'Production' },
      { version: 1, from: 'Production', to: 'Archived' },
      { version: 3, from: 'Production', to: 'Archived' },
    ]);
    expect(planTransition(versions, 3, 'Production', true)).toEqual([
      { version: 3, from: 'Production', to: 'Production' },
      { version: 1, from: 'Production', to: 'Archived' },
    ]);
  });

  it('refuses archive_existing_versions outside Staging and Production', () => {
    expect(() => planTransition(versions, 4, 'Archived', true)).toThrow(/only be used when transitioning/);
    expect(() => planTransition(versions, 4, 'None', true)).toThrow(/only be used when transitioning/);
  });

  it('picks the newest version per stage', () => {
    expect(latestPerStage(versions).map((v) => v.version)).toEqual([2, 3, 4]);
    expect(latestPerStage(versions, ['Production']).map((v) => v.version)).toEqual([3]);
  });
});
