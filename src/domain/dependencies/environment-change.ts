import type { DeclaredDependency } from './declared-dependency.js';
import { packageKey } from './environment-report.js';

/** What a deployment target ran, as far as declarations can depend on it. */
export interface ProvidedPackages {
  packages: Record<string, string>;
  /** The runtime as the environment names it, e.g. `python 3.11.7`. */
  runtime: string;
}

/**
 * The changes from `before` to `after` that touch what a model version declares: each package it declares that was
 * upgraded, downgraded, added or removed, and the runtime when it declares one and the runtime changed. Changes to
 * packages it does not declare cannot break it, so they are not listed. Each change reads like `numpy 1.26.4 → 2.1.0`.
 */
export function changesTouching(
  declared: readonly DeclaredDependency[],
  before: ProvidedPackages,
  after: ProvidedPackages,
): string[] {
  const changes = new Set<string>();
  for (const d of declared) {
    if (d.kind === 'pypi' || d.kind === 'npm') {
      const key = packageKey(d.kind, d.name);
      const was = before.packages[key];
      const now = after.packages[key];
      if (was === now) continue;
      changes.add(`${d.name} ${was ?? '(absent)'} → ${now ?? '(removed)'}`);
    } else if (d.kind === 'runtime' && before.runtime !== after.runtime) {
      changes.add(`runtime ${before.runtime || '(unknown)'} → ${after.runtime || '(unknown)'}`);
    }
  }
  return [...changes].sort();
}
