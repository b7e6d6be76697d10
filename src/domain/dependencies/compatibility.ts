import { type DeclaredDependency, dependencyKey } from './declared-dependency.js';
import { evaluateMarker, markerEnvironment } from './environment-marker.js';
import { packageKey } from './environment-report.js';
import { satisfiesNpm } from './npm-range.js';
import { isPep440Version, satisfiesPep440 } from './pep440-specifier.js';
import type { ProvidedEnvironment } from './provided-environment.js';

/** One declaration the environment does not meet. */
export interface Violation {
  kind: DeclaredDependency['kind'];
  package: string;
  specifier: string;
  found: string | null;
  why: string;
}

/** A declaration under an environment marker that turns on something the target does not state; shown, not checked. */
export interface UncheckedDeclaration {
  package: string;
  specifier: string;
  marker: string;
}

export interface CompatibilityResult {
  compatible: boolean;
  violations: Violation[];
  unchecked: UncheckedDeclaration[];
}

/** Decides whether one version satisfies one declaration; what-if and resolve pass a memoised one. */
export type Satisfies = (kind: 'pypi' | 'npm' | 'runtime', version: string, specifier: string) => boolean;

/**
 * An installed pre-release satisfies a PEP 440 specifier it otherwise matches: PEP 440 admits pre-releases that are
 * already present on the system.
 */
export const satisfiesInstalled: Satisfies = (kind, version, specifier) =>
  kind === 'npm' ? satisfiesNpm(version, specifier) : satisfiesPep440(version, specifier, { prereleases: true });

/** Remembers answers within one question (a what-if over thousands of versions asks the same few many times). */
export function memoisedSatisfies(inner: Satisfies = satisfiesInstalled): Satisfies {
  // Keyed by specifier, then kind and version: no key string is built for the common (pypi) question.
  const answers = new Map<string, Map<string, boolean>>();
  return (kind, version, specifier) => {
    let bySpecifier = answers.get(specifier);
    if (bySpecifier === undefined) {
      bySpecifier = new Map();
      answers.set(specifier, bySpecifier);
    }
    const key = kind === 'pypi' ? version : `${kind} ${version}`;
    let answer = bySpecifier.get(key);
    if (answer === undefined) {
      answer = inner(kind, version, specifier);
      bySpecifier.set(key, answer);
    }
    return answer;
  };
}

/** The version the environment provides for a declaration's package or runtime, or null when it provides none. */
export function foundVersion(d: Pick<DeclaredDependency, 'kind' | 'name'>, env: ProvidedEnvironment): string | null {
  if (d.kind === 'pypi' || d.kind === 'npm') return env.packages[packageKey(d.kind, d.name)] ?? null;
  if (d.kind === 'image') return env.containerImageDigest;
  if (d.name === 'python') return env.python;
  if (d.name === 'cuda') return env.cuda;
  return env.os === '' ? null : env.os;
}

/** Checks one declaration against what was found; null when it holds. */
export function violationOf(
  d: Pick<DeclaredDependency, 'kind' | 'name' | 'specifier'>,
  found: string | null,
  satisfies: Satisfies,
): Violation | null {
  const base = { kind: d.kind, package: d.name, specifier: d.specifier, found };
  if (found === null) {
    const what = d.kind === 'runtime' ? `the target does not state its ${d.name}` : 'not installed on the target';
    return { ...base, why: d.kind === 'image' ? 'the target runs no pinned container image' : what };
  }
  if (d.specifier === '') return null;
  if (d.kind === 'image') {
    return found === d.specifier ? null : { ...base, why: 'the target runs a different container image' };
  }
  if (d.kind === 'runtime' && d.name === 'os') {
    return found.toLowerCase().includes(d.specifier.toLowerCase())
      ? null
      : { ...base, why: `the target's OS is not ${d.specifier}` };
  }
  const kind = d.kind === 'npm' ? 'npm' : d.kind === 'pypi' ? 'pypi' : 'runtime';
  if (satisfies(kind, found, d.specifier)) return null;
  // Only a failed check pays for parsing the version again, to say why.
  if (d.kind !== 'npm' && !isPep440Version(found)) {
    return { ...base, why: 'the installed version is not a PEP 440 version, so no specifier can admit it' };
  }
  return { ...base, why: `${found} is outside ${d.specifier}` };
}

/** Model version × environment: every declaration that does not hold, and those that could not be checked. */
export function checkCompatibility(
  declared: readonly DeclaredDependency[],
  env: ProvidedEnvironment,
  satisfies: Satisfies = satisfiesInstalled,
): CompatibilityResult {
  const violations: Violation[] = [];
  const unchecked: UncheckedDeclaration[] = [];
  const seen = new Set<string>();
  for (const d of declared) {
    // Columns read from a dataset are a question for schema changes, not for an environment.
    if (d.kind === 'dataset') continue;
    if (d.marker !== undefined) {
      const applies = evaluateMarker(d.marker, env.markers ?? markerEnvironment(env, ''));
      // A marker false for this target means the model does not need the package here, as pip would skip it.
      if (applies === false) continue;
      if (applies === 'unknown') {
        unchecked.push({ package: d.name, specifier: d.specifier, marker: d.marker });
        continue;
      }
    }
    const key = `${dependencyKey(d)}\u0000${d.specifier}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const violation = violationOf(d, foundVersion(d, env), satisfies);
    if (violation !== null) violations.push(violation);
  }
  return { compatible: violations.length === 0, violations, unchecked };
}
