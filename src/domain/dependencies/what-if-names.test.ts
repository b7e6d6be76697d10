import { describe, expect, it } from 'vitest';
import { providedEnvironment } from './provided-environment.js';
import { canonicalChange, type PackageChange, whatIf } from './what-if.js';

describe('canonicalChange', () => {
  it.each<[PackageChange, string]>([
    [{ kind: 'pypi', name: 'NumPy', version: '2.1.0' }, 'numpy'],
    [{ kind: 'pypi', name: 'Scikit_Learn', version: '1.5.0' }, 'scikit-learn'],
    [{ kind: 'pypi', name: ' zope.interface ', version: '6.0' }, 'zope-interface'],
    [{ kind: 'runtime', name: 'Python', version: '3.12.1' }, 'python'],
    [{ kind: 'npm', name: '@Scope/Pkg', version: '1.0.0' }, '@Scope/Pkg'],
  ])('names %j as %s', (change, name) => {
    expect(canonicalChange(change)).toEqual({ ...change, name });
  });

  it('lets a question about NumPy find the model that declared numpy<2', () => {
    const env = providedEnvironment({
      os: 'Ubuntu 22.04',
      runtime: 'CPython 3.11.9',
      packages: { numpy: '1.26.4' },
      hardware: {},
      containerImageDigest: null,
    });
    const declarations = [{ kind: 'pypi' as const, name: 'numpy', specifier: '<2' }];
    const asked: PackageChange = { kind: 'pypi', name: 'NumPy', version: '2.1.0' };
    const targets = [{ target: 'prod', env, deployed: ['fraud/1'] }];
    expect(whatIf(targets, () => declarations, [asked])).toEqual([]);
    const breaks = whatIf(targets, () => declarations, [canonicalChange(asked)]);
    expect(breaks.map((b) => [b.target, b.modelVersion, b.violation.specifier, b.newlyBroken])).toEqual([
      ['prod', 'fraud/1', '<2', true],
    ]);
  });
});
