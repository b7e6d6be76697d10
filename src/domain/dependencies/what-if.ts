import { foundVersion, memoisedSatisfies, type Satisfies, type Violation, violationOf } from './compatibility.js';
import type { DeclaredDependency } from './declared-dependency.js';
import { packageKey } from './environment-report.js';
import { normalisePythonName } from './package-name.js';
import type { ProvidedEnvironment } from './provided-environment.js';

/** One change asked about: a package (or the Python / CUDA runtime) moved to a version. */
export interface PackageChange {
  kind: 'pypi' | 'npm' | 'runtime';
  name: string;
  version: string;
}

/**
 * A change named as declarations and environments name packages: PyPI names after PEP 503 (`NumPy`, `scikit_learn`
 * are `numpy`, `scikit-learn`), runtimes in lower case; npm names are case-sensitive and kept as written. Without it
 * a question about `NumPy` would find nothing to break.
 */
export function canonicalChange(change: PackageChange): PackageChange {
  if (change.kind === 'pypi') return { ...change, name: normalisePythonName(change.name) };
  if (change.kind === 'runtime') return { ...change, name: change.name.trim().toLowerCase() };
  return change;
}

export interface WhatIfTarget {
  target: string;
  env: ProvidedEnvironment;
  /** Model versions deployed there. */
  deployed: readonly string[];
}

export interface WhatIfBreak {
  target: string;
  modelVersion: string;
  violation: Violation;
  /** true when the constraint held before the change, false when it was already broken. */
  newlyBroken: boolean;
}

/** The environment after the changes. */
export function withChanges(env: ProvidedEnvironment, changes: readonly PackageChange[]): ProvidedEnvironment {
  const packages = { ...env.packages };
  let { python, cuda } = env;
  for (const c of changes) {
    if (c.kind === 'runtime') {
      if (c.name === 'python') python = c.version;
      if (c.name === 'cuda') cuda = c.version;
    } else {
      packages[packageKey(c.kind, c.name)] = c.version;
    }
  }
  return { ...env, packages, python, cuda };
}

/** What a what-if question reads of a declaration (the index by package holds exactly this). */
export type WhatIfDeclaration = Pick<DeclaredDependency, 'kind' | 'name' | 'specifier' | 'marker'>;

const touches = (d: WhatIfDeclaration, change: PackageChange): boolean =>
  d.kind === change.kind && d.name === change.name && d.marker === undefined;

/**
 * The specifiers, among those declared for a changed package or runtime, that its new version would not meet: a
 * declaration can only break under the change if its specifier is one of these, whatever the target.
 */
export function specifiersBrokenBy(
  change: PackageChange,
  specifiers: readonly string[],
  satisfies: Satisfies = memoisedSatisfies(),
): string[] {
  return specifiers.filter(
    (specifier) => violationOf({ kind: change.kind, name: change.name, specifier }, change.version, satisfies) !== null,
  );
}

/**
 * Which deployed model versions would break if the changes were made on each target, each with the constraint
 * that breaks. Only declarations of the changed packages are evaluated, so the answer scales with deployments
 * × changes, not with everything every model declares.
 */
export function whatIf(
  targets: readonly WhatIfTarget[],
  declarationsOf: (modelVersion: string) => readonly WhatIfDeclaration[],
  changes: readonly PackageChange[],
): WhatIfBreak[] {
  const satisfies = memoisedSatisfies();
  const breaks: WhatIfBreak[] = [];
  for (const target of targets) {
    for (const modelVersion of target.deployed) {
      for (const d of declarationsOf(modelVersion)) {
        const change = changes.find((c) => touches(d, c));
        if (change === undefined) continue;
        const violation = violationOf(d, change.version, satisfies);
        if (violation === null) continue;
        const before = violationOf(d, foundVersion(d, target.env), satisfies);
        breaks.push({ target: target.target, modelVersion, violation, newlyBroken: before === null });
      }
    }
  }
  return breaks;
}
