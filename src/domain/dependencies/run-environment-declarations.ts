import { CONDA_TOOLING } from './conda-spec.js';
import {
  type DeclaredDependencies,
  type DeclaredDependency,
  dependencyKey,
  type RunEnvironmentSource,
} from './declared-dependency.js';
import { isPep440Version, satisfiesPep440 } from './pep440-specifier.js';
import type { ProvidedEnvironment } from './provided-environment.js';

const RUN_ENVIRONMENT: RunEnvironmentSource['file'] = 'run_environment';

/** The declarations that did not come from a run's environment (what the files, or the API, declared). */
export function withoutRunEnvironment(document: DeclaredDependencies): DeclaredDependencies {
  return {
    dependencies: document.dependencies.filter((d) => d.source.file !== RUN_ENVIRONMENT),
    skipped: document.skipped.filter((s) => s.spot.file !== RUN_ENVIRONMENT),
    ...(document.allowPrereleases ? { allowPrereleases: true } : {}),
  };
}

/**
 * Adds what the version's source run actually ran on to what the model's files declare. The run's Python becomes a
 * runtime declaration of its release series (`==3.11.*`: the patch level a run happened to use says nothing about
 * what the model needs) where the files name no Python. Its installed packages become exact pins (`==found
 * version`) only when the files name no package at all: a run's environment holds everything installed beside the
 * model (notebooks, linters, other projects), so where the model lists what it needs, pinning the rest would call
 * every target with another version of an unrelated package incompatible. A file's declaration is never overridden
 * or tightened. Where
 * the run used a version the files' declaration excludes, the run's version is kept aside as `notApplied`, so the
 * disagreement is shown among the conflicts instead of merged. Installer tooling (pip, setuptools, wheel) and npm
 * packages are left out; a version that is not PEP 440 is listed as skipped.
 */
export function withRunEnvironment(
  files: DeclaredDependencies,
  environment: ProvidedEnvironment,
  source: RunEnvironmentSource,
): DeclaredDependencies {
  const base = withoutRunEnvironment(files);
  const declared = new Map<string, DeclaredDependency[]>();
  for (const d of base.dependencies) {
    const key = dependencyKey(d);
    declared.set(key, [...(declared.get(key) ?? []), d]);
  }
  const added: DeclaredDependency[] = [];
  const notApplied: DeclaredDependency[] = [];
  const skipped = [...base.skipped];
  const filesNamePackages = base.dependencies.some((d) => d.kind === 'pypi');
  const consider = (kind: 'pypi' | 'runtime', name: string, found: string, pin: string) => {
    const existing = declared.get(dependencyKey({ kind, name }));
    if (!existing) {
      added.push({ kind, name, specifier: pin, source });
      return;
    }
    const excluded = existing.some(
      (d) =>
        d.marker === undefined && d.specifier !== '' && !satisfiesPep440(found, d.specifier, { prereleases: true }),
    );
    if (excluded) notApplied.push({ kind, name, specifier: `==${found}`, source });
  };
  if (environment.python !== null) {
    const series = environment.python.split('.').slice(0, 2).join('.');
    consider('runtime', 'python', environment.python, series.includes('.') ? `==${series}.*` : `==${series}`);
  }
  for (const [name, version] of Object.entries(environment.packages).sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (name.startsWith('npm:') || CONDA_TOOLING.has(name)) continue;
    if (filesNamePackages && !declared.has(dependencyKey({ kind: 'pypi', name }))) continue;
    if (!isPep440Version(version)) {
      skipped.push({
        spot: { file: RUN_ENVIRONMENT, line: 0, column: 0 },
        text: `${name} ${version}`,
        why: 'the run used a version that is not a PEP 440 version',
      });
      continue;
    }
    consider('pypi', name, version, `==${version}`);
  }
  return {
    dependencies: [...base.dependencies, ...added],
    skipped,
    ...(base.allowPrereleases ? { allowPrereleases: true } : {}),
    ...(notApplied.length > 0 ? { notApplied } : {}),
  };
}
