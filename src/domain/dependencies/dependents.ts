import { satisfiesInstalled } from './compatibility.js';
import type { DeclaredDependency } from './declared-dependency.js';
import { isNpmRange } from './npm-range.js';
import { invalidPep440Clause, isPep440Version } from './pep440-specifier.js';

/** The package a dependents question is about, and the versions it asks about (e.g. those a CVE affects). */
export interface AffectedRange {
  kind: 'pypi' | 'npm';
  name: string;
  specifier: string;
}

/** Refuses a specifier that is not one of the package's scheme (PEP 440 for pypi, node-semver for npm). */
export function invalidAffectedSpecifier(range: AffectedRange): string | null {
  if (range.kind === 'npm') {
    return isNpmRange(range.specifier) ? null : `specifier '${range.specifier}' is not an npm semver range`;
  }
  const bad = invalidPep440Clause(range.specifier);
  return bad === null
    ? null
    : `specifier: '${bad.text}' at column ${bad.offset + 1} is not a PEP 440 specifier (<2.0, >=1.2,<1.4.5)`;
}

const VERSION_IN_CLAUSE = /[0-9][0-9A-Za-z.!+*-]*/g;

/** The versions a specifier names (its bounds), which are where two specifier sets can meet. */
function namedVersions(specifier: string): string[] {
  return (specifier.match(VERSION_IN_CLAUSE) ?? []).map((v) => v.replace(/\.\*$/, ''));
}

/**
 * A version that both the declaration and the affected range admit, or null when none is known. The candidates are
 * the versions Mnemo has seen installed, the bounds either set names, and `0`: a witness is proof that the
 * declaration lets an affected version in; no witness means none of the versions known to Mnemo would be.
 */
export function declaredOverlap(
  declaration: Pick<DeclaredDependency, 'kind' | 'specifier'>,
  range: AffectedRange,
  seen: readonly string[],
): string | null {
  if (declaration.kind !== range.kind) return null;
  const candidates = new Set([...seen, ...namedVersions(declaration.specifier), ...namedVersions(range.specifier)]);
  candidates.add(range.kind === 'npm' ? '0.0.0' : '0');
  const admits = (version: string, specifier: string) =>
    specifier.trim() === '' || satisfiesInstalled(range.kind, version, specifier);
  for (const version of candidates) {
    if (range.kind === 'pypi' && !isPep440Version(version)) continue;
    if (admits(version, range.specifier) && admits(version, declaration.specifier)) return version;
  }
  return null;
}

/** Is the version installed on a target among the affected ones? (An installed pre-release counts, as PEP 440 says.) */
export const installedIsAffected = (range: AffectedRange, installed: string | undefined): boolean =>
  installed !== undefined &&
  (range.specifier.trim() === '' || satisfiesInstalled(range.kind, installed, range.specifier));
