import { describe, expect, it } from 'vitest';
import { satisfiesPep440 } from './pep440-specifier.js';
import { invalidVersionRange, rangeOverlap } from './range-overlap.js';

// Expectations written by hand from PEP 440 ("Version specifiers") and node-semver's range grammar, before the code.
// [declared, range, witness or null]; a witness is the lowest version both admit among those worth trying.
const PEP440: [string, string, boolean, string?][] = [
  ['<2', '<2.0', true],
  ['>=2', '<2.0', false],
  ['>=1.24,<2', '<2.0', true],
  ['', '<2.0', true],
  ['>=1.24', '', true],
  // A gap between two exclusive bounds still holds releases (1.5.1).
  ['>1.5,<1.6', '<2.0', true, '1.5.1'],
  // `<2.0` covers no pre-release of 2.0, so a declaration that only reaches 2.0's pre-releases below 2.0 is out.
  ['>=2.0rc1', '<2.0', false],
  ['>=2.0.dev0,<2.0', '<3', false],
  ['>=1.9rc1', '<2.0', true, '1.9rc1'],
  ['==2.0rc1', '<2.0rc2', true, '2.0rc1'],
  // Pre-releases: the declaration admits them only when it names one (or its file said --pre).
  ['>1.9', '>=2.0a1,<2.0rc1', false],
  ['>=2.0.dev0', '<2.0rc1', true, '2.0.dev0'],
  // Compatible release: ~=1.4.2 is >=1.4.2 and ==1.4.*; ~=1.4 is >=1.4 and ==1.*.
  ['~=1.4.2', '>=1.5', false],
  ['~=1.4.2', '>=1.4.9', true, '1.4.9'],
  ['~=1.4', '>=1.9,<2', true, '1.9'],
  ['~=1.4', '>=2', false],
  ['~=1.4.2', '<1.4.2', false],
  // Exclusions with wildcards.
  ['!=1.5.*', '>=1.5,<1.6', false],
  ['!=1.5.*', '>=1.5,<1.7', true, '1.6'],
  ['!=1.5.*,!=1.6.*', '>=1.5,<1.7', false],
  ['==1.5.*', '<1.5', false],
  ['==1.5.*', '>1.5.2', true, '1.5.2.1'],
  ['!=2.0', '==2.0', false],
  ['!=2.0', '==2.0.*', true],
  // Epochs order before every release: 1!0.5 is above 2.0.
  ['>=1!1.0', '<2.0', false],
  ['<1!0.5', '>=2.0', true, '2.0'],
  ['==1!2.0', '>=1!1.0,<1!3', true, '1!2.0'],
  // Post-releases and local versions: `>1.7` excludes 1.7's post-releases, `<=V` ignores local labels.
  ['>1.7', '<1.7.post5', false],
  ['>1.7.post2', '<=1.7.post4', true, '1.7.post3'],
  // `<1.7.post4` admits 1.7's lower post-releases and 1.7 itself; `>1.7rc1` admits 1.7 but not its post-releases.
  ['<1.7.post4', '>=1.7.post3', true, '1.7.post3'],
  ['<1.7.post4', '>=1.7', true, '1.7'],
  ['>1.7rc1', '==1.7', true, '1.7'],
  ['>1.7rc1', '==1.7.post1', false],
  ['==1.0+local', '<=1.0', true, '1.0+local'],
  ['==1.0+a', '==1.0+b', false],
];

const NPM: [string, string, boolean, string?][] = [
  ['^1.2.3', '<2.0.0', true, '1.2.3'],
  ['^2.0.0', '<2.0.0', false],
  ['^1.2.3', '<1.2.0', false],
  ['^0.2.3', '>=0.3.0', false],
  ['^0.0.3', '>0.0.3', false],
  ['~1.2.3', '>=1.3.0', false],
  ['~1.2.3', '>=1.2.9', true, '1.2.9'],
  ['~1', '1.9.9 - 2', true, '1.9.9'],
  ['1.2.3 - 1.4', '>1.4.5', true, '1.4.6'],
  ['>=1.0.0 <1.0.5 || >=3', '>=1.0.5 <3', false],
  ['1.x', '<1.0.1', true, '1.0.0'],
  ['', '<1', true, '0.0.0'],
  // The range covers pre-releases; a declaration admits one only on a tuple one of its comparators names.
  ['>=2.0.0-rc.1', '<2.0.0', true, '2.0.0-rc.1'],
  ['^1.2.3', '>=1.3.0-beta.1 <1.3.0', false],
  ['>1.2.3-alpha.3 <1.2.3', '>=1.2.3-alpha.3 <1.2.3-alpha.4', true, '1.2.3-alpha.3.0'],
];

describe('does a declared constraint let in a version from a range', () => {
  it.each(PEP440)('PEP 440: %j against %j → %s', (declared, range, overlaps, witness) => {
    const found = rangeOverlap({ ecosystem: 'pypi', declared, range });
    expect(found !== null).toBe(overlaps);
    if (witness !== undefined) expect(found).toBe(witness);
    if (found !== null) {
      expect(declared === '' || satisfiesPep440(found, declared)).toBe(true);
      expect(range === '' || satisfiesPep440(found, range, { prereleases: true })).toBe(true);
    }
  });

  it.each(NPM)('npm: %j against %j → %s', (declared, range, overlaps, witness) => {
    const found = rangeOverlap({ ecosystem: 'npm', declared, range });
    expect(found !== null).toBe(overlaps);
    if (witness !== undefined) expect(found).toBe(witness);
  });

  it('lets pre-releases in when the declaration file said --pre', () => {
    const question = { ecosystem: 'pypi', declared: '>1.9', range: '>=2.0a1,<2.0rc1' } as const;
    expect(rangeOverlap(question)).toBeNull();
    expect(rangeOverlap({ ...question, declaredAllowsPrereleases: true })).toBe('2.0a1');
  });

  // Every pair from a pool of specifiers is checked against a grid of versions: whenever some grid version lies in
  // both, an overlap must be found, and a witness must always lie in both.
  it('misses no overlap a grid of versions shows, across pairs of PEP 440 specifiers', () => {
    const grid = [
      '0',
      '0.9',
      '1.0.dev0',
      '1.0a1',
      '1.0rc1',
      '1.0',
      '1.0+local',
      '1.0.post1',
      '1.0.1',
      '1.4',
      '1.4.2',
      '1.4.5',
      '1.5.dev0',
      '1.5a1',
      '1.5',
      '1.5.post1',
      '1.5.0.1',
      '1.5.1',
      '1.5.9',
      '1.6',
      '1.6.1',
      '1.9rc1',
      '1.9',
      '1.26.4',
      '2.0.dev0',
      '2.0a1',
      '2.0rc1',
      '2.0',
      '2.0.post1',
      '2.0.1',
      '2.1',
      '3',
      '10.0',
      '1!0.5',
      '1!2.0',
    ];
    const pool = [
      '',
      '<2',
      '<=2.0',
      '>=2',
      '>2.0',
      '>1.5,<1.6',
      '~=1.4.2',
      '~=1.4',
      '!=1.5.*',
      '==1.5.*',
      '==2.0rc1',
      '>=2.0rc1',
      '<2.0rc1',
      '>1.0',
      '>=1.0,!=1.5',
      '==1.0',
      '!=2.0,<3',
      '>=1!0',
      '<1!1',
      '==1.*',
      '>1.0.post0',
      '>=1.9rc1,<2',
    ];
    const admittedByBoth = (v: string, declared: string, range: string) =>
      (declared === '' ? !/(a|b|rc|dev)\d/.test(v) : satisfiesPep440(v, declared)) &&
      (range === '' || satisfiesPep440(v, range, { prereleases: true }));
    for (const declared of pool) {
      for (const range of pool) {
        const found = rangeOverlap({ ecosystem: 'pypi', declared, range });
        const onGrid = grid.find((v) => admittedByBoth(v, declared, range));
        if (onGrid !== undefined) expect(found, `${declared} × ${range} (grid has ${onGrid})`).not.toBeNull();
        if (found !== null)
          expect(admittedByBoth(found, declared, range), `${declared} × ${range}: ${found}`).toBe(true);
      }
    }
  });
});

describe('ranges that cannot be read', () => {
  it.each([
    ['pypi', '<2.x', "'<2.x' at column 1 is not a PEP 440 specifier"],
    ['pypi', '>=1.0,,<2', "'' at column 7 is not a PEP 440 specifier"],
    ['pypi', ' ', 'a range of versions is required'],
    ['npm', '<<2', "'<<2' is not an npm semver range"],
  ] as const)('%s %j', (ecosystem, range, why) => {
    expect(invalidVersionRange(ecosystem, range)).toContain(why);
  });

  it.each([
    ['pypi', '<2.0'],
    ['pypi', '~=1.4.2, !=1.5.*'],
    ['npm', '^1.2.3 || >=3'],
  ] as const)('reads %s %j', (ecosystem, range) => {
    expect(invalidVersionRange(ecosystem, range)).toBeNull();
  });
});
