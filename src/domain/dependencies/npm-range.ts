import semver from 'semver';

/**
 * npm ranges as node-semver reads them (caret, tilde, hyphen, x-ranges, `||`). A pre-release satisfies a range only
 * when a comparator of the range names a pre-release of the same major.minor.patch, as npm decides.
 */
export const isNpmVersion = (version: string): boolean => semver.valid(version) !== null;

export const isNpmRange = (range: string): boolean => semver.validRange(range) !== null;

export const satisfiesNpm = (version: string, range: string): boolean =>
  semver.valid(version) !== null && semver.satisfies(version, range);

export const compareNpm = (a: string, b: string): number => semver.compare(a, b);

export const newestSatisfyingNpm = (versions: readonly string[], range: string): string | null =>
  semver.maxSatisfying(versions.filter(isNpmVersion) as string[], range);
