import { describe, expect, it } from 'vitest';
import { declarationConflicts } from './declaration-conflicts.js';
import type { DeclaredDependencies, RunEnvironmentSource } from './declared-dependency.js';
import { providedEnvironment } from './provided-environment.js';
import { withoutRunEnvironment, withRunEnvironment } from './run-environment-declarations.js';

const source: RunEnvironmentSource = {
  file: 'run_environment',
  line: 0,
  column: 0,
  runId: 'r1',
  environmentId: 'sha256:ab',
};
const env = providedEnvironment({
  os: 'Linux 6.1',
  runtime: 'python 3.11.9',
  packages: { NumPy: '1.26.4', scikit_learn: '1.4.2', pip: '24.0', setuptools: '69.0', odd: 'not-a-version' },
  hardware: {},
  containerImageDigest: null,
});
const spot = (line: number) => ({ file: 'requirements.txt', line, column: 1 });

describe('withRunEnvironment', () => {
  it('pins what the files do not declare, with the Python series, leaving tooling out', () => {
    const result = withRunEnvironment({ dependencies: [], skipped: [] }, env, source);
    expect(result.dependencies).toEqual([
      { kind: 'runtime', name: 'python', specifier: '==3.11.*', source },
      { kind: 'pypi', name: 'numpy', specifier: '==1.26.4', source },
      { kind: 'pypi', name: 'scikit-learn', specifier: '==1.4.2', source },
    ]);
    expect(result.skipped).toEqual([
      {
        spot: { file: 'run_environment', line: 0, column: 0 },
        text: 'odd not-a-version',
        why: 'the run used a version that is not a PEP 440 version',
      },
    ]);
    expect(result.notApplied).toBeUndefined();
  });

  it("never overrides a file's declaration and keeps a disagreeing run version aside, shown as a conflict", () => {
    const files: DeclaredDependencies = {
      dependencies: [
        { kind: 'pypi', name: 'numpy', specifier: '>=2', source: spot(1) },
        { kind: 'pypi', name: 'scikit-learn', specifier: '>=1.3', source: spot(2) },
        { kind: 'runtime', name: 'python', specifier: '==3.11.*', source: spot(3) },
      ],
      skipped: [],
    };
    const result = withRunEnvironment(files, env, source);
    expect(result.dependencies).toEqual(files.dependencies);
    expect(result.notApplied).toEqual([{ kind: 'pypi', name: 'numpy', specifier: '==1.26.4', source }]);
    const conflicts = declarationConflicts([...result.dependencies, ...(result.notApplied ?? [])]);
    expect(conflicts).toEqual([
      {
        kind: 'pypi',
        package: 'numpy',
        declarations: [
          { specifier: '>=2', source: spot(1) },
          { specifier: '==1.26.4', source },
        ],
      },
    ]);
  });

  it('replaces the declarations of an earlier run environment and keeps the files ones', () => {
    const files: DeclaredDependencies = {
      dependencies: [{ kind: 'pypi', name: 'torch', specifier: '>=2', source: spot(1) }],
      skipped: [],
      allowPrereleases: true,
    };
    const first = withRunEnvironment(files, env, source);
    const later = providedEnvironment({
      os: 'Linux',
      runtime: 'python 3.12.1',
      packages: { numpy: '2.0.0' },
      hardware: {},
      containerImageDigest: null,
    });
    const second = withRunEnvironment(first, later, { ...source, environmentId: 'sha256:cd' });
    // The files name a package, so the run's other packages are not pinned; only its Python is added.
    expect(first.dependencies.map((d) => `${d.name}${d.specifier}`)).toEqual(['torch>=2', 'python==3.11.*']);
    expect(second.dependencies.map((d) => `${d.name}${d.specifier}`)).toEqual(['torch>=2', 'python==3.12.*']);
    expect(first.skipped).toEqual([]);
    expect(second.skipped).toEqual([]);
    expect(second.allowPrereleases).toBe(true);
    expect(withoutRunEnvironment(second)).toEqual(files);
  });

  it('adds no runtime when the run did not run Python', () => {
    const node = providedEnvironment({
      os: 'Linux',
      runtime: 'node v20.11.0',
      packages: {},
      hardware: {},
      containerImageDigest: null,
    });
    expect(withRunEnvironment({ dependencies: [], skipped: [] }, node, source).dependencies).toEqual([]);
  });
});
