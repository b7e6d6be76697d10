import type { Pep440Constraint, Pep440Version } from '@renovatebot/pep440';
import * as pep440 from '@renovatebot/pep440';
import { parse as parseSpecifier } from '@renovatebot/pep440/lib/specifier.js';

/**
 * PEP 440 specifier sets over @renovatebot/pep440, which parses and orders versions. Where its matching simplifies
 * the specification, it is corrected here using its own ordering:
 * - the exclusive comparisons `<V` and `>V`: the library refuses every version of V's release (`1.7.post3` under
 *   `<1.7.post4`, `1.7` under `>1.7rc1`); PEP 440 excludes only what its "Exclusive ordered comparison" rules name
 *   (see exclusiveAdmits);
 * - `==V+local` compares local labels too (the library drops them whenever the candidate has one);
 * - pre-releases are admitted or not for the whole set (any clause naming a pre-release admits them, as pip's
 *   `SpecifierSet` does), not clause by clause.
 */

export interface PrereleasePolicy {
  /**
   * true: admit pre-releases (`--pre`, or the version is already installed — PEP 440 accepts a pre-release that is
   * already present on the system); false: never; undefined: only when the set names a pre-release.
   */
  prereleases?: boolean;
}

export const isPep440Version = (version: string): boolean => pep440.valid(version) !== null;

export const comparePep440 = (a: string, b: string): number => pep440.compare(a, b);

export const isPep440Prerelease = (version: string): boolean => pep440.explain(version)?.is_prerelease ?? false;

/** Splits a specifier set into clauses with their character offsets, for errors that point at the bad clause. */
export function specifierClauses(specifier: string): { text: string; offset: number }[] {
  const clauses: { text: string; offset: number }[] = [];
  let start = 0;
  for (const part of specifier.split(',')) {
    const lead = part.length - part.trimStart().length;
    clauses.push({ text: part.trim(), offset: start + lead });
    start += part.length + 1;
  }
  return clauses;
}

/** The offset of the first clause that is not a valid PEP 440 specifier, or null when the whole set is valid. */
export function invalidPep440Clause(specifier: string): { text: string; offset: number } | null {
  if (specifier.trim() === '') return null;
  for (const clause of specifierClauses(specifier)) {
    if (clause.text === '' || !pep440.validRange(clause.text)) return clause;
  }
  return null;
}

export const isPep440Specifier = (specifier: string): boolean => invalidPep440Clause(specifier) === null;

/** The library's parsed clause carries the explained version beside the operator. */
type Clause = Pep440Constraint & Partial<Pep440Version>;

function setNamesPrerelease(clauses: Clause[]): boolean {
  return clauses.some((c) => c.version !== undefined && c.version !== null && isPep440Prerelease(c.version));
}

/** The parts of an explained version the exclusive comparisons read. */
type Explained = NonNullable<ReturnType<typeof pep440.explain>>;

/**
 * PEP 440's "Exclusive ordered comparison". `<V` admits what orders below V, but not a pre-release of V's release
 * unless V is itself a pre-release; `>V` admits what orders above V, but not a post-release of V's release unless V
 * is itself a post-release, and not a local version of V. Local labels are ignored in the ordering (V can have none),
 * so a local version of V orders equal to V and is never above it. "Of V's release" reads as pip's packaging does:
 * the same epoch and release numbers (1.0.dev1 is a pre-release of 1.0.post1's release).
 */
function exclusiveAdmits(operator: '<' | '>', candidate: Explained, bound: Explained, boundText: string): boolean {
  const order = pep440.compare(candidate.public, boundText);
  const sameRelease =
    candidate.epoch === bound.epoch && pep440.eq(candidate.release.join('.'), bound.release.join('.'));
  if (operator === '<') return order < 0 && !(candidate.is_prerelease && !bound.is_prerelease && sameRelease);
  return order > 0 && !(candidate.is_postrelease && !bound.is_postrelease && sameRelease);
}

function clauseAdmits(version: string, clause: Clause, text: string): boolean {
  const bound = clause.version;
  if (bound && !clause.prefix && (clause.operator === '<' || clause.operator === '>')) {
    const target = pep440.explain(bound);
    const candidate = pep440.explain(version);
    if (target && candidate) return exclusiveAdmits(clause.operator, candidate, target, bound);
  }
  if (bound && !clause.prefix && clause.local && (clause.operator === '==' || clause.operator === '!=')) {
    return (clause.operator === '==') === pep440.eq(version, bound);
  }
  return pep440.satisfies(version, text, { prereleases: true });
}

/** Does `version` satisfy the PEP 440 specifier set? An empty set admits every final release. */
export function satisfiesPep440(version: string, specifier: string, policy: PrereleasePolicy = {}): boolean {
  if (!isPep440Version(version)) return specifier.trim().startsWith('===') && pep440.satisfies(version, specifier);
  const parsed = parseSpecifier(specifier) as Clause[] | null;
  if (parsed === null) return false;
  const clauses = specifierClauses(specifier).filter((c) => c.text !== '');
  const admitsPre = policy.prereleases ?? setNamesPrerelease(parsed);
  if (isPep440Prerelease(version) && !admitsPre) return false;
  return parsed.every((clause, i) => clauseAdmits(version, clause, clauses[i]?.text ?? ''));
}

/**
 * The newest of `versions` that satisfies the set. Following PEP 440, pre-releases are candidates only when asked
 * for, when the set names one, or when nothing but a pre-release satisfies it.
 */
export function newestSatisfyingPep440(
  versions: readonly string[],
  specifier: string,
  policy: PrereleasePolicy = {},
): string | null {
  const valid = versions.filter(isPep440Version).sort(comparePep440).reverse();
  const pick = (p: PrereleasePolicy) => valid.find((v) => satisfiesPep440(v, specifier, p)) ?? null;
  const found = pick(policy);
  if (found !== null || policy.prereleases !== undefined) return found;
  return pick({ prereleases: true });
}
