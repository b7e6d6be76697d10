import { describe, expect, it } from 'vitest';
import { isNpmRange, newestSatisfyingNpm, satisfiesNpm } from './npm-range.js';

// Expectations written from the node-semver range grammar (npm's "semver" documentation).
const TABLE: [string, string, boolean][] = [
  // Caret: changes that do not modify the left-most non-zero element
  ['1.9.9', '^1.2.3', true],
  ['2.0.0', '^1.2.3', false],
  ['1.2.2', '^1.2.3', false],
  ['0.2.9', '^0.2.3', true],
  ['0.3.0', '^0.2.3', false],
  ['0.0.3', '^0.0.3', true],
  ['0.0.4', '^0.0.3', false],
  ['0.0.9', '^0.0', true],
  ['0.1.0', '^0.0', false],
  ['1.5.0', '^1.x', true],
  // Tilde: patch-level changes when a minor is given, minor-level otherwise
  ['1.2.9', '~1.2.3', true],
  ['1.3.0', '~1.2.3', false],
  ['1.9.0', '~1', true],
  ['2.0.0', '~1', false],
  ['0.2.5', '~0.2', true],
  // Hyphen ranges: inclusive; a partial upper bound covers its whole partial
  ['1.2.3', '1.2.3 - 2.3.4', true],
  ['2.3.4', '1.2.3 - 2.3.4', true],
  ['2.3.5', '1.2.3 - 2.3.4', false],
  ['2.3.9', '1.2.3 - 2.3', true],
  ['2.4.0', '1.2.3 - 2.3', false],
  ['1.2.0', '1.2 - 2', true],
  ['2.9.9', '1.2 - 2', true],
  // Pre-release tags: only for the same [major, minor, patch] tuple as a comparator that names one
  ['1.2.3-beta.4', '>1.2.3-alpha.3', true],
  ['3.4.5-alpha.9', '>1.2.3-alpha.3', false],
  ['3.4.5', '>1.2.3-alpha.3', true],
  ['1.2.3-beta.4', '^1.2.3-beta.2', true],
  ['1.2.4-beta.2', '^1.2.3-beta.2', false],
  ['1.3.0-beta', '^1.2.3', false],
  ['1.2.3-alpha.10', '>=1.2.3-alpha.9', true],
  // Alternatives and x-ranges
  ['3.1.0', '^1.0.0 || >=3.0.0 <4.0.0', true],
  ['2.1.0', '^1.0.0 || >=3.0.0 <4.0.0', false],
  ['1.2.7', '1.2.x', true],
  ['1.3.0', '1.2.x', false],
  ['0.0.1', '*', true],
  ['1.0.0-rc.1', '*', false],
];

describe('satisfiesNpm', () => {
  it.each(TABLE)('%s in %s → %s', (version, range, expected) => {
    expect(satisfiesNpm(version, range)).toBe(expected);
  });

  it('refuses what is not a version or a range', () => {
    expect(satisfiesNpm('latest', '^1.0.0')).toBe(false);
    expect(isNpmRange('^1.2.3 || ~2')).toBe(true);
    expect(isNpmRange('>>1')).toBe(false);
  });

  it('picks the newest version in range, skipping pre-releases the range does not name', () => {
    expect(newestSatisfyingNpm(['1.2.3', '1.9.0', '2.0.0', '1.10.0-rc.1'], '^1.2.3')).toBe('1.9.0');
    expect(newestSatisfyingNpm(['1.2.3', '1.2.4-rc.1'], '^1.2.4-rc.0')).toBe('1.2.4-rc.1');
    expect(newestSatisfyingNpm(['3.0.0'], '^1.2.3')).toBeNull();
  });
});
