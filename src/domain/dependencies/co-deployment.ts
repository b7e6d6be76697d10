import type { DeclaredDependency } from './declared-dependency.js';
import { packageKey } from './environment-report.js';
import { compareNpm, isNpmVersion, satisfiesNpm } from './npm-range.js';
import { comparePep440, isPep440Version, satisfiesPep440 } from './pep440-specifier.js';

/** A model version as the checks see it: an id for answers and what it declares. */
export interface DeclaringModel {
  modelVersion: string;
  dependencies: readonly DeclaredDependency[];
}

export interface CoDeploymentConflict {
  kind: 'pypi' | 'npm';
  package: string;
  constraints: { modelVersion: string; specifier: string }[];
  /** How many known versions were tried; none of them satisfies every constraint. */
  versionsTried: number;
}

/**
 * Models deployed together share one installed version of each package. A package is in conflict when no version
 * Mnemo knows of (the `known` versions per package key: seen in environments, installed, or named by a
 * constraint) satisfies every model's constraint at once.
 */
export function coDeploymentConflicts(
  models: readonly DeclaringModel[],
  known: Readonly<Record<string, readonly string[]>>,
): CoDeploymentConflict[] {
  const byPackage = new Map<
    string,
    { kind: 'pypi' | 'npm'; name: string; constraints: CoDeploymentConflict['constraints'] }
  >();
  for (const model of models) {
    for (const d of model.dependencies) {
      if ((d.kind !== 'pypi' && d.kind !== 'npm') || d.marker !== undefined || d.specifier === '') continue;
      const key = packageKey(d.kind, d.name);
      const entry = byPackage.get(key) ?? { kind: d.kind, name: d.name, constraints: [] };
      entry.constraints.push({ modelVersion: model.modelVersion, specifier: d.specifier });
      byPackage.set(key, entry);
    }
  }
  const conflicts: CoDeploymentConflict[] = [];
  for (const [key, entry] of byPackage) {
    if (new Set(entry.constraints.map((c) => c.modelVersion)).size < 2) continue;
    const candidates = new Set(known[key] ?? []);
    for (const c of entry.constraints) for (const v of versionsNamedIn(c.specifier)) candidates.add(v);
    const valid = [...candidates].filter(entry.kind === 'npm' ? isNpmVersion : isPep440Version);
    const holds = (v: string) =>
      entry.constraints.every((c) =>
        entry.kind === 'npm' ? satisfiesNpm(v, c.specifier) : satisfiesPep440(v, c.specifier, { prereleases: true }),
      );
    if (!valid.some(holds)) {
      valid.sort(entry.kind === 'npm' ? compareNpm : comparePep440);
      conflicts.push({
        kind: entry.kind,
        package: entry.name,
        constraints: entry.constraints,
        versionsTried: valid.length,
      });
    }
  }
  return conflicts;
}

/** Versions a specifier names (`>=1.2,<2` names 1.2 and 2): candidates worth trying beside the ones seen. */
export const versionsNamedIn = (specifier: string): string[] =>
  specifier
    .split(/,|\|\||\s+-\s+|\s+/)
    .map((clause) => clause.trim().replace(/^[<>=!~^]+/, ''))
    .filter((v) => v !== '' && !v.includes('*') && !/x$/i.test(v));
