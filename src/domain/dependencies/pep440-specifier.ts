import type { Pep440Constraint, Pep440Version } from '@renovatebot/pep440';
import * as pep440 from '@renovatebot/pep440';
import { parse as parseSpecifier } from '@renovatebot/pep440/lib/specifier.js';

/**
 * PEP 440 specifier sets over @renovatebot/pep440, which parses and orders versions. Two of its simplifications
 * differ from the specification and are corrected here using its own ordering:
 * - the exclusive comparisons: `<V` may admit pre-releases of V when V is itself a pre-release, and `>V` admits
 *   later post-releases of V when V is itself a post-release (`>1.7.post2` admits `1.7.0.post3`);
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

function clauseAdmits(version: string, clause: Clause, text: string): boolean {
  const bound = clause.version;
  if (bound && !clause.prefix && (clause.operator === '<' || clause.operator === '>')) {
    const target = pep440.explain(bound);
    const candidate = pep440.explain(version);
    if (target && candidate) {
      if (clause.operator === '<' && target.is_prerelease) return pep440.lt(candidate.public, bound);
      if (clause.operator === '>' && target.is_postrelease) return pep440.gt(candidate.public, bound);
    }
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
