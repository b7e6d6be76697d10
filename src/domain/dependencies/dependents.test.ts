import { describe, expect, it } from 'vitest';
import { declaredOverlap, installedIsAffected, invalidAffectedSpecifier } from './dependents.js';

const numpyBelow2 = { kind: 'pypi' as const, name: 'numpy', specifier: '<2.0' };

describe('dependents of a package range', () => {
  it.each([
    ['<2', [], '0'],
    ['>=1.24', ['1.26.4'], '1.26.4'],
    ['>=1.24', [], '1.24'],
    ['>=2', ['2.1.0', '1.26.4'], null],
    ['', ['1.26.4'], '1.26.4'],
    ['==1.26.*', [], '1.26'],
    ['>=2.0,<3', ['1.26.4'], null],
    ['~=1.26', [], '1.26'],
    // Between two bounds no version was seen in: still inside <2.0.
    ['>1.5,<1.6', [], '1.5.1'],
    ['>1.5,<1.6', ['1.5.3'], '1.5.3'],
  ])('a declaration %s overlaps <2.0 (seen %j) at %s', (specifier, seen, witness) => {
    expect(declaredOverlap({ kind: 'pypi', specifier }, numpyBelow2, seen)).toBe(witness);
  });

  it('a declaration meets a range of pre-releases only when its file allowed them (--pre)', () => {
    const nightlies = { kind: 'pypi' as const, name: 'numpy', specifier: '>=1.27.0a1,<1.27.0rc1' };
    expect(declaredOverlap({ kind: 'pypi', specifier: '>1.26,<2' }, nightlies, [])).toBeNull();
    expect(declaredOverlap({ kind: 'pypi', specifier: '>1.26,<2' }, nightlies, [], true)).toMatch(
      /^1\.27\.0(a|b|rc|\.dev)/,
    );
  });

  it('npm ranges meet through semver', () => {
    const range = { kind: 'npm' as const, name: 'lodash', specifier: '<4.17.21' };
    expect(declaredOverlap({ kind: 'npm', specifier: '^4.17.0' }, range, [])).toBe('4.17.0');
    expect(declaredOverlap({ kind: 'npm', specifier: '^4.17.21' }, range, ['4.17.21'])).toBeNull();
    expect(declaredOverlap({ kind: 'pypi', specifier: '' }, range, [])).toBeNull();
  });

  it('installed versions are checked against the range, pre-releases included', () => {
    expect(installedIsAffected(numpyBelow2, '1.26.4')).toBe(true);
    expect(installedIsAffected(numpyBelow2, '1.27.0rc1')).toBe(true);
    // PEP 440: <2.0 excludes pre-releases of 2.0 itself.
    expect(installedIsAffected(numpyBelow2, '2.0.0rc1')).toBe(false);
    expect(installedIsAffected(numpyBelow2, '2.0.0')).toBe(false);
    expect(installedIsAffected(numpyBelow2, undefined)).toBe(false);
  });

  it('refuses a specifier of the wrong scheme', () => {
    expect(invalidAffectedSpecifier({ kind: 'pypi', name: 'numpy', specifier: '=>2' })).toContain('column 1');
    expect(invalidAffectedSpecifier({ kind: 'npm', name: 'x', specifier: 'not a range' })).toContain('npm');
    expect(invalidAffectedSpecifier(numpyBelow2)).toBeNull();
  });
});
