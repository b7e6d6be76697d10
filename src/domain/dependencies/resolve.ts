import type { DeclaringModel } from './co-deployment.js';
import { packageKey } from './environment-report.js';
import { compareNpm, isNpmVersion, satisfiesNpm } from './npm-range.js';
import { comparePep440, isPep440Version, satisfiesPep440 } from './pep440-specifier.js';

export interface ResolveLimits {
  maxSteps: number;
  deadlineMs: number;
  /** The clock, passed in so this stays pure and its time bound can be tested. */
  now: () => number;
  /** `--pre`: pre-releases are candidates for every package. */
  prereleases?: boolean;
}

export interface ResolvedPackage {
  package: string;
  current: string;
  /** The newest known version every model on the target accepts, or null when none does. */
  newest: string | null;
  constraints: { modelVersion: string; specifier: string }[];
}

export interface ResolveResult {
  packages: ResolvedPackage[];
  steps: number;
  /** Set when the bound on steps or time was reached; the packages listed so far are complete answers. */
  gaveUp: { reason: 'steps' | 'time'; atPackage: string } | null;
}

/**
 * For each package installed on a target, the newest version Mnemo has seen that keeps every model deployed there
 * compatible. Following PEP 440, pre-releases are candidates only with `prereleases`, when a constraint names one,
 * or when nothing else fits. Each candidate tried is a step; the search stops when steps or time run out and
 * says where.
 */
export function resolveNewest(
  installed: Readonly<Record<string, string>>,
  models: readonly DeclaringModel[],
  seen: Readonly<Record<string, readonly string[]>>,
  limits: ResolveLimits,
): ResolveResult {
  const started = limits.now();
  const packages: ResolvedPackage[] = [];
  let steps = 0;
  for (const key of Object.keys(installed).sort()) {
    const npm = key.startsWith('npm:');
    const name = npm ? key.slice(4) : key;
    const constraints = models.flatMap((m) =>
      m.dependencies
        .filter(
          (d) => d.kind === (npm ? 'npm' : 'pypi') && d.name === name && d.marker === undefined && d.specifier !== '',
        )
        .map((d) => ({ modelVersion: m.modelVersion, specifier: d.specifier })),
    );
    const candidates = [...new Set([...(seen[key] ?? []), installed[key] as string])]
      .filter(npm ? isNpmVersion : isPep440Version)
      .sort(npm ? compareNpm : comparePep440)
      .reverse();
    const accepts = (v: string, pre: boolean | undefined) =>
      constraints.every((c) =>
        npm
          ? satisfiesNpm(v, c.specifier)
          : satisfiesPep440(v, c.specifier, pre === undefined ? {} : { prereleases: pre }),
      );
    let newest: string | null = null;
    const passes: (boolean | undefined)[] = npm ? [undefined] : limits.prereleases ? [true] : [undefined, true];
    for (const pre of passes) {
      for (const candidate of candidates) {
        steps += 1;
        if (steps > limits.maxSteps) return { packages, steps, gaveUp: { reason: 'steps', atPackage: name } };
        if (limits.now() - started > limits.deadlineMs) {
          return { packages, steps, gaveUp: { reason: 'time', atPackage: name } };
        }
        if (accepts(candidate, pre)) {
          newest = candidate;
          break;
        }
      }
      if (newest !== null) break;
    }
    packages.push({
      package: npm ? packageKey('npm', name) : name,
      current: installed[key] as string,
      newest,
      constraints,
    });
  }
  return { packages, steps, gaveUp: null };
}
