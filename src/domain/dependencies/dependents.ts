import { satisfiesInstalled } from './compatibility.js';
import type { DeclaredDependency } from './declared-dependency.js';
import { isNpmRange } from './npm-range.js';
import { invalidPep440Clause, isPep440Version } from './pep440-specifier.js';
import { rangeOverlap } from './range-overlap.js';

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

/**
 * A version that both the declaration and the affected range admit, or null when they share none. A version Mnemo has
 * seen installed is preferred as the witness (it is one someone actually runs); otherwise the overlap of the two sets
 * is decided from their bounds, so a declaration such as `>1.5,<1.6` is found under `<2.0` though no version between
 * its bounds was ever seen.
 */
export function declaredOverlap(
  declaration: Pick<DeclaredDependency, 'kind' | 'specifier'>,
  range: AffectedRange,
  seen: readonly string[],
  /** The declaration's file allowed pre-releases for every package (`--pre`), as an installer would then. */
  declaredAllowsPrereleases = false,
): string | null {
  if (declaration.kind !== range.kind) return null;
  const admits = (version: string, specifier: string) =>
    specifier.trim() === '' || satisfiesInstalled(range.kind, version, specifier);
  for (const version of seen) {
    if (range.kind === 'pypi' && !isPep440Version(version)) continue;
    if (admits(version, range.specifier) && admits(version, declaration.specifier)) return version;
  }
  return rangeOverlap({
    ecosystem: range.kind,
    declared: declaration.specifier,
    range: range.specifier,
    declaredAllowsPrereleases,
  });
}

/** Is the version installed on a target among the affected ones? (An installed pre-release counts, as PEP 440 says.) */
export const installedIsAffected = (range: AffectedRange, installed: string | undefined): boolean =>
  installed !== undefined &&
  (range.specifier.trim() === '' || satisfiesInstalled(range.kind, installed, range.specifier));
