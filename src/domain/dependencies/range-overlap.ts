import * as pep440 from '@renovatebot/pep440';
import { parse as parseSpecifier } from '@renovatebot/pep440/lib/specifier.js';
import semver from 'semver';
import { isNpmRange } from './npm-range.js';
import { invalidPep440Clause, isPep440Prerelease, satisfiesPep440 } from './pep440-specifier.js';

/**
 * Does a declared constraint let in a version from a range of versions (say, the versions a CVE affects)?
 *
 * The answer is the smallest question that can be proven with a witness: a version both admit. Admission follows each
 * scheme's own matching (PEP 440 through @renovatebot/pep440, node-semver for npm), with one deliberate asymmetry:
 * - the declaration admits pre-releases only as an installer would: PEP 440 when the declaration names a
 *   pre-release (or its file said `--pre`), npm when one of its comparators names a pre-release of that
 *   major.minor.patch;
 * - the range covers every version it admits with pre-releases turned on (a vulnerable 1.9rc1 is vulnerable).
 *   Each scheme keeps its own reading of an exclusive bound: PEP 440's `<2.0` does not cover 2.0rc1, while
 *   node-semver's `<2.0.0` covers 2.0.0-rc.1 once pre-releases are included.
 * An empty declaration admits every version (pre-releases under the same rule); an empty range covers every version.
 *
 * Both sets are unions of intervals whose ends are the versions their clauses name (and, for `==V.*`, `~=V`, the
 * next release prefix). So the versions worth trying are those ends and, for each, the versions just past it: its
 * final release, its next post-release, its release extended by `.1` past every named release's length, its release
 * incremented at each position, and its next pre-/dev-release. Between two consecutive ends the answer cannot change
 * for final releases, and one of these candidates lies in every such gap that holds a final release, so no overlap
 * in final releases is missed; overlaps made only of pre-releases are found when a named or next pre-release lies in
 * them. Every witness returned has been checked against both sets.
 */
export type Ecosystem = 'pypi' | 'npm';

export interface OverlapQuestion {
  ecosystem: Ecosystem;
  /** The declared constraint ('' admits every version). */
  declared: string;
  /** The range asked about ('' covers every version). */
  range: string;
  /** The declaration's file allowed pre-releases for every package (`--pre`). */
  declaredAllowsPrereleases?: boolean;
}

/** A version in both sets, or null when they share none. */
export function rangeOverlap(question: OverlapQuestion): string | null {
  return question.ecosystem === 'npm' ? npmOverlap(question) : pep440Overlap(question);
}

function pep440Overlap({ declared, range, declaredAllowsPrereleases }: OverlapQuestion): string | null {
  const candidates = pep440Candidates([declared, range]);
  const declaredPolicy = declaredAllowsPrereleases ? { prereleases: true } : {};
  const admits = (version: string, specifier: string, policy: { prereleases?: boolean }) =>
    specifier.trim() === ''
      ? !isPep440Prerelease(version) || policy.prereleases === true
      : satisfiesPep440(version, specifier, policy);
  for (const version of candidates) {
    if (admits(version, range, { prereleases: true }) && admits(version, declared, declaredPolicy)) return version;
  }
  return null;
}

interface Explained {
  epoch: number;
  release: number[];
  pre: [string, number] | null;
  post: number | null;
  dev: number | null;
}

/** The candidate witnesses for PEP 440 sets, lowest first so the witness shown is the first affected version. */
function pep440Candidates(specifiers: readonly string[]): string[] {
  const named: string[] = [];
  for (const specifier of specifiers) {
    if (specifier.trim() === '') continue;
    for (const clause of (parseSpecifier(specifier) ?? []) as {
      version?: string;
      legacy?: string;
      prefix?: string;
    }[]) {
      if (clause.legacy !== undefined) named.push(clause.legacy);
      if (clause.version === undefined) continue;
      named.push(clause.version);
      const explained = pep440.explain(clause.version) as Explained | null;
      if (explained && clause.prefix) named.push(...incremented(explained));
    }
  }
  const explainedNamed = named.map((v) => pep440.explain(v) as Explained | null).filter((e) => e !== null);
  const longest = Math.max(1, ...explainedNamed.map((e) => e.release.length));
  const epochs = new Set([0, ...explainedNamed.map((e) => e.epoch)]);
  const found = new Set<string>(named);
  for (const epoch of epochs) {
    found.add(withEpoch(epoch, '0'));
    found.add(withEpoch(epoch, '0.dev0'));
  }
  for (const e of explainedNamed) {
    const release = e.release.join('.');
    const at = (text: string) => withEpoch(e.epoch, text);
    found.add(at(release));
    found.add(at(`${release}.post${e.post ?? 0}`));
    found.add(at(`${release}.post${(e.post ?? -1) + 1}`));
    const padded = [...e.release, ...Array(longest - e.release.length).fill(0), 1];
    found.add(at(padded.join('.')));
    for (const next of incremented(e)) found.add(next);
    found.add(at(`${release}a0`));
    found.add(at(`${release}.dev0`));
    if (e.pre) found.add(at(`${release}${e.pre[0]}${e.pre[1] + 1}`));
    if (e.dev !== null)
      found.add(
        at(
          `${release}${e.pre ? `${e.pre[0]}${e.pre[1]}` : ''}${e.post !== null ? `.post${e.post}` : ''}.dev${e.dev + 1}`,
        ),
      );
  }
  return [...found].sort(orderPep440);
}

/** The release incremented at each position: 1.4.2 → 2, 1.5, 1.4.3 (where a `==1.4.*` or `~=1.4.2` range ends). */
function incremented(e: Explained): string[] {
  return e.release.map((part, i) => withEpoch(e.epoch, [...e.release.slice(0, i), part + 1].join('.')));
}

const withEpoch = (epoch: number, version: string) => (epoch === 0 ? version : `${epoch}!${version}`);

/** Versions the library can order first, in its order; anything else (a legacy `===` text) after them. */
function orderPep440(a: string, b: string): number {
  const va = pep440.valid(a) !== null;
  const vb = pep440.valid(b) !== null;
  if (va && vb) return pep440.compare(a, b);
  return va ? -1 : vb ? 1 : a < b ? -1 : a > b ? 1 : 0;
}

function npmOverlap({ declared, range, declaredAllowsPrereleases }: OverlapQuestion): string | null {
  const declaredRange = new semver.Range(declared.trim() === '' ? '*' : declared, {
    includePrerelease: declaredAllowsPrereleases === true,
  });
  const affected = new semver.Range(range.trim() === '' ? '*' : range, { includePrerelease: true });
  const ends: semver.SemVer[] = [new semver.SemVer('0.0.0')];
  for (const set of [...declaredRange.set, ...affected.set]) {
    for (const comparator of set) if (comparator.semver instanceof semver.SemVer) ends.push(comparator.semver);
  }
  const found = new Map<string, semver.SemVer>();
  const add = (v: semver.SemVer | null) => {
    if (v !== null) found.set(v.version, v);
  };
  for (const end of ends) {
    add(end);
    // The smallest final release above the end, and the end's own release when it is a pre-release.
    add(semver.parse(semver.inc(end.version, 'patch')));
    if (end.prerelease.length > 0) {
      add(semver.parse(`${end.major}.${end.minor}.${end.patch}`));
      // The smallest pre-release above it: one more numeric identifier.
      add(semver.parse(`${end.version}.0`));
    }
  }
  const ordered = [...found.values()].sort(semver.compare);
  return ordered.find((v) => affected.test(v) && declaredRange.test(v))?.version ?? null;
}

/** Why a range of versions cannot be read in its ecosystem's scheme, or null when it can. */
export function invalidVersionRange(ecosystem: Ecosystem, range: string): string | null {
  if (range.trim() === '') return 'a range of versions is required (e.g. <2.0)';
  if (ecosystem === 'npm') {
    return isNpmRange(range) ? null : `'${range}' is not an npm semver range (e.g. <2.0.0, ^1.2.3, >=1.0.0 <1.4.0)`;
  }
  const bad = invalidPep440Clause(range);
  return bad === null
    ? null
    : `'${bad.text}' at column ${bad.offset + 1} is not a PEP 440 specifier (e.g. <2.0, >=1.2,<1.4.5, ==1.4.*)`;
}
