import { describe, expect, it } from 'vitest';
import { invalidPep440Clause, newestSatisfyingPep440, satisfiesPep440 } from './pep440-specifier.js';

// Expectations written from the PEP 440 text ("Version specifiers" and "Handling of pre-releases").
// Columns: version, specifier, admitted when already installed (pre-releases allowed), admitted by default.
const TABLE: [string, string, boolean, boolean][] = [
  // Compatible release: ~=2.2 means >=2.2, ==2.*; ~=1.4.5 means >=1.4.5, ==1.4.*
  ['2.2', '~=2.2', true, true],
  ['2.9.1', '~=2.2', true, true],
  ['3.0', '~=2.2', false, false],
  ['2.2.post3', '~=2.2', true, true],
  ['1.4.9', '~=1.4.5', true, true],
  ['1.5.0', '~=1.4.5', false, false],
  ['1.4.4', '~=1.4.5', false, false],
  // Pre-releases are excluded by default, admitted when already present or when the set names one
  ['2.3a1', '~=2.2', true, false],
  ['1.0rc1', '>=1.0rc1', true, true],
  ['1.5a1', '>=1.0a1,<2.0', true, true],
  ['1.5a1', '>=1.0,<2.0', true, false],
  ['1.0.dev1', '>=0.9', true, false],
  // Exclusive ordered comparisons
  ['2.0rc1', '<2.0', false, false],
  ['2.0.dev1', '<2.0', false, false],
  ['1.9', '<2.0', true, true],
  ['2.0b1', '<2.0rc1', true, true],
  ['1.7.1', '>1.7', true, true],
  ['1.7.post1', '>1.7', false, false],
  ['1.7.0.post3', '>1.7.post2', true, true],
  ['1.7.1', '>1.7.post2', true, true],
  ['1.7.post1', '>1.7.post2', false, false],
  ['1.7+local', '>1.7', false, false],
  // <V excludes only pre-releases of V's release (unless V is one): lower post-releases, and V's, are simply smaller
  ['1.7.post3', '<1.7.post4', true, true],
  ['1.7', '<1.7.post1', true, true],
  ['1.7.post1.dev1', '<1.7.post1', false, false],
  ['1.0rc1', '<1.0rc2', true, true],
  ['1.0.dev1', '<1.0rc1', true, true],
  ['0.9.post1', '<1.0', true, true],
  ['0.9rc1', '<1.0', true, false],
  ['1.7+local', '<1.7', false, false],
  ['1.6+local', '<1.7', true, true],
  // >V excludes only post-releases of V's release (unless V is one) and local versions of V
  ['1.7', '>1.7rc1', true, true],
  ['1.7rc2', '>1.7rc1', true, true],
  ['1.7.dev1', '>1.7.dev0', true, true],
  ['1.7.post1', '>1.7rc1', false, false],
  ['1.7.post1+local', '>1.7', false, false],
  ['1.7.0+local', '>1.7', false, false],
  ['1.7.1+local', '>1.7', true, true],
  ['1.7.post2+local', '>1.7.post2', false, false],
  // A local version of another version than V is not excluded (pip's packaging is stricter: same release, any local)
  ['1.7.post3+local', '>1.7.post2', true, true],
  ['1.8.dev1', '>1.7', true, false],
  // Inclusive comparisons order post, dev and pre-releases around their release and ignore local labels
  ['1.0.post1', '<=1.0', false, false],
  ['1.0.post1', '<=1.0.post1', true, true],
  ['1.0.post1+local', '<=1.0.post1', true, true],
  ['1.0rc1', '<=1.0', true, false],
  ['1.0.dev1', '>=1.0', false, false],
  ['1.0+local', '>=1.0', true, true],
  // Post and dev releases order around their release
  ['1.0.post1', '>=1.0', true, true],
  ['1.0.post1', '==1.0', false, false],
  // <V excludes pre-releases of V's release unless V is itself a pre-release (as pip's packaging decides)
  ['1.0.dev1', '<1.0.post1', false, false],
  ['0.9.dev1', '<1.0.post1', true, false],
  // Local versions: ignored by a specifier without one, compared when the specifier has one
  ['1.0+cpu', '==1.0', true, true],
  ['1.0+cpu', '==1.0+cpu', true, true],
  ['1.0+cuda', '==1.0+cpu', false, false],
  ['1.0+cpu', '<=1.0', true, true],
  ['1.0+cuda', '!=1.0+cpu', true, true],
  ['1.0+cpu', '!=1.0+cpu', false, false],
  // Arbitrary equality compares strings, without normalisation
  ['1.0', '===1.0', true, true],
  ['1.0.0', '===1.0', false, false],
  // Zero padding: 1.0 and 1.0.0 are one version
  ['1.0.0', '==1.0', true, true],
  // Prefix matching with wildcards, including != (which excludes pre- and post-releases under the prefix)
  ['1.1.5', '==1.1.*', true, true],
  ['1.2', '==1.1.*', false, false],
  ['1.1.post1', '!=1.1.*', false, false],
  ['1.1a1', '!=1.1.*', false, false],
  ['1.2', '!=1.1.*', true, true],
  ['1.10', '!=1.1.*', true, true],
  // Epochs order before everything else
  ['1!1.0', '>=2.0', true, true],
  ['1.0', '<1!0.1', true, true],
  ['1!2.0', '==2.0', false, false],
  ['1!2.0', '==1!2.*', true, true],
];

describe('satisfiesPep440', () => {
  it.each(TABLE)('%s against %s: installed %s, default %s', (version, specifier, installed, byDefault) => {
    expect(satisfiesPep440(version, specifier, { prereleases: true })).toBe(installed);
    expect(satisfiesPep440(version, specifier)).toBe(byDefault);
  });

  it('admits every final release for an empty set, and no pre-release unless asked', () => {
    expect(satisfiesPep440('0.0.1', '')).toBe(true);
    expect(satisfiesPep440('3.0b1', '')).toBe(false);
    expect(satisfiesPep440('3.0b1', '', { prereleases: true })).toBe(true);
  });
});

describe('newestSatisfyingPep440', () => {
  const seen = ['1.0', '1.5', '2.0b1', '2.0', '2.1rc1', '1!0.5'];
  it.each([
    // [specifier, policy, expected]
    ['>=1.0,<2.1', {}, '2.0'],
    ['>=1.0,<2.1', { prereleases: true }, '2.0'],
    ['>=1.0', {}, '1!0.5'],
    ['>=1.0,<1!0', {}, '2.0'],
    ['>=1.0,<1!0', { prereleases: true }, '2.1rc1'],
    // Only a pre-release satisfies: PEP 440 then admits it without --pre
    ['>2.0,<1!0', {}, '2.1rc1'],
    ['>2.0,<1!0', { prereleases: false }, null],
    ['<1.0', {}, null],
  ] as const)('%s with %o → %s', (specifier, policy, expected) => {
    expect(newestSatisfyingPep440(seen, specifier, policy)).toBe(expected);
  });
});

describe('invalidPep440Clause', () => {
  it.each([
    ['>=1.0', null],
    ['>=1.0, <2', null],
    ['~=1', { text: '~=1', offset: 0 }],
    ['>=1.0, =>2', { text: '=>2', offset: 7 }],
    ['>=1.0+local', { text: '>=1.0+local', offset: 0 }],
    ['>=1.*', { text: '>=1.*', offset: 0 }],
    ['==1.0.dev1.*', { text: '==1.0.dev1.*', offset: 0 }],
    ['>=1.0,', { text: '', offset: 6 }],
  ] as const)('%s → %o', (specifier, expected) => {
    expect(invalidPep440Clause(specifier)).toEqual(expected);
  });
});
