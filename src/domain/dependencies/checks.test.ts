import { describe, expect, it } from 'vitest';
import { coDeploymentConflicts } from './co-deployment.js';
import { checkCompatibility } from './compatibility.js';
import { declarationConflicts } from './declaration-conflicts.js';
import type { DeclaredDependency } from './declared-dependency.js';
import { type ProvidedEnvironment, providedEnvironment } from './provided-environment.js';
import { resolveNewest } from './resolve.js';
import { schemaChangeImpact } from './schema-impact.js';
import { specifiersBrokenBy, whatIf } from './what-if.js';

const api = { file: 'api', line: 0, column: 0 } as const;
const dep = (
  kind: DeclaredDependency['kind'],
  name: string,
  specifier: string,
  marker?: string,
): DeclaredDependency => ({
  kind,
  name,
  specifier,
  source: api,
  ...(marker === undefined ? {} : { marker }),
});

const serving: ProvidedEnvironment = providedEnvironment({
  os: 'Ubuntu 22.04',
  runtime: 'CPython 3.11.9',
  packages: { numpy: '1.26.4', torch: '2.3.0rc1', 'npm:onnxruntime-node': '1.17.3' },
  hardware: { cuda: '12.1' },
  containerImageDigest: `sha256:${'a'.repeat(64)}`,
});

describe('checkCompatibility', () => {
  it('reads the Python and CUDA versions the target provides', () => {
    expect([serving.python, serving.cuda]).toEqual(['3.11.9', '12.1']);
    expect(providedEnvironment({ ...serving, runtime: 'node 20.1', packages: {}, hardware: {} }).python).toBeNull();
  });

  it('passes when every declaration holds, counting an installed pre-release as present', () => {
    const declared = [
      dep('pypi', 'numpy', '>=1.24,<2'),
      dep('pypi', 'torch', '>=2.2'),
      dep('npm', 'onnxruntime-node', '^1.17.0'),
      dep('runtime', 'python', '~=3.11.0'),
      dep('runtime', 'cuda', '>=12'),
      dep('runtime', 'os', 'ubuntu'),
      dep('image', 'container', `sha256:${'a'.repeat(64)}`),
    ];
    expect(checkCompatibility(declared, serving)).toEqual({ compatible: true, violations: [], unchecked: [] });
  });

  it('lists every violated constraint with what was found and why', () => {
    const declared = [
      dep('pypi', 'numpy', '>=2.0'),
      dep('pypi', 'scipy', ''),
      dep('npm', 'onnxruntime-node', '~1.16.0'),
      dep('runtime', 'python', '<3.11'),
      dep('runtime', 'os', 'windows'),
      dep('image', 'container', `sha256:${'b'.repeat(64)}`),
      dep('pypi', 'pywin32', '', 'sys_platform == "win32"'),
      dep('pypi', 'tensorflow-metal', '', 'platform_machine == "arm64"'),
    ];
    const result = checkCompatibility(declared, serving);
    expect(result.compatible).toBe(false);
    expect(result.violations.map((v) => [v.package, v.specifier, v.found, v.why])).toEqual([
      ['numpy', '>=2.0', '1.26.4', '1.26.4 is outside >=2.0'],
      ['scipy', '', null, 'not installed on the target'],
      ['onnxruntime-node', '~1.16.0', '1.17.3', '1.17.3 is outside ~1.16.0'],
      ['python', '<3.11', '3.11.9', '3.11.9 is outside <3.11'],
      ['os', 'windows', 'Ubuntu 22.04', "the target's OS is not windows"],
      [
        'container',
        `sha256:${'b'.repeat(64)}`,
        `sha256:${'a'.repeat(64)}`,
        'the target runs a different container image',
      ],
    ]);
    // pywin32 is for Windows only, which the target is not; the target does not say which machine it runs on.
    expect(result.unchecked).toEqual([
      { package: 'tensorflow-metal', specifier: '', marker: 'platform_machine == "arm64"' },
    ]);
  });
});

describe('declarationConflicts', () => {
  it('shows declarations of one package that differ, and none for those that agree', () => {
    const fromRequirements = {
      ...dep('pypi', 'numpy', '==1.26.4'),
      source: { file: 'requirements.txt', line: 3, column: 1 },
    };
    const fromConda = { ...dep('pypi', 'numpy', '==1.24.*'), source: { file: 'conda.yaml', line: 7, column: 5 } };
    const agreeing = [dep('pypi', 'torch', '>=2'), dep('pypi', 'torch', '>=2'), dep('pypi', 'torch', '')];
    expect(declarationConflicts([fromRequirements, fromConda, ...agreeing])).toEqual([
      {
        kind: 'pypi',
        package: 'numpy',
        declarations: [
          { specifier: '==1.26.4', source: fromRequirements.source },
          { specifier: '==1.24.*', source: fromConda.source },
        ],
      },
    ]);
  });
});

describe('coDeploymentConflicts', () => {
  it('names the packages no single known version satisfies for every co-deployed model', () => {
    const models = [
      { modelVersion: 'fraud/3', dependencies: [dep('pypi', 'numpy', '<2'), dep('pypi', 'pandas', '>=2.0')] },
      { modelVersion: 'churn/7', dependencies: [dep('pypi', 'numpy', '>=2.0'), dep('pypi', 'pandas', '<2.3')] },
      { modelVersion: 'ltv/1', dependencies: [dep('npm', 'left-pad', '^1.0.0')] },
    ];
    const known = { numpy: ['1.26.4', '2.1.0'], pandas: ['2.2.2'] };
    expect(coDeploymentConflicts(models, known)).toEqual([
      {
        kind: 'pypi',
        package: 'numpy',
        constraints: [
          { modelVersion: 'fraud/3', specifier: '<2' },
          { modelVersion: 'churn/7', specifier: '>=2.0' },
        ],
        versionsTried: 4,
      },
    ]);
  });
});

describe('whatIf', () => {
  // Written down before the code: on "prod", fraud/3 requires numpy<2 and breaks at 2.1.0; churn/7 requires
  // numpy>=1.22 and keeps working; ltv/1 declares no numpy. On "batch", old/1 already required numpy<1.20 and
  // stays broken (not newly). A python change to 3.12 breaks churn/7, which requires python<3.12.
  const declarations: Record<string, DeclaredDependency[]> = {
    'fraud/3': [dep('pypi', 'numpy', '<2'), dep('runtime', 'python', '>=3.9')],
    'churn/7': [dep('pypi', 'numpy', '>=1.22'), dep('runtime', 'python', '<3.12')],
    'ltv/1': [dep('pypi', 'pandas', '>=2')],
    'old/1': [dep('pypi', 'numpy', '<1.20')],
  };
  const targets = [
    { target: 'prod', env: serving, deployed: ['fraud/3', 'churn/7', 'ltv/1'] },
    { target: 'batch', env: serving, deployed: ['old/1'] },
  ];
  const of = (mv: string) => declarations[mv] ?? [];

  it('names the deployments that break and the constraint that breaks them', () => {
    const answer = whatIf(targets, of, [{ kind: 'pypi', name: 'numpy', version: '2.1.0' }]);
    expect(
      answer.map((b) => [b.target, b.modelVersion, b.violation.specifier, b.violation.found, b.newlyBroken]),
    ).toEqual([
      ['prod', 'fraud/3', '<2', '2.1.0', true],
      ['batch', 'old/1', '<1.20', '2.1.0', false],
    ]);
  });

  it('answers runtime changes and several changes at once', () => {
    const answer = whatIf(targets.slice(0, 1), of, [
      { kind: 'pypi', name: 'numpy', version: '1.26.4' },
      { kind: 'runtime', name: 'python', version: '3.12.1' },
    ]);
    expect(answer.map((b) => [b.modelVersion, b.violation.package, b.violation.specifier])).toEqual([
      ['churn/7', 'python', '<3.12'],
    ]);
  });

  it('knows from the specifier alone which declarations a change can break', () => {
    // numpy 2.1.0 misses <2 and <2.1,!=2.0.1; an empty specifier, >=1.22 and ==2.1.* accept it.
    const numpy = { kind: 'pypi', name: 'numpy', version: '2.1.0' } as const;
    expect(specifiersBrokenBy(numpy, ['<2', '>=1.22', '', '<2.1,!=2.0.1', '==2.1.*'])).toEqual(['<2', '<2.1,!=2.0.1']);
    const python = { kind: 'runtime', name: 'python', version: '3.12.1' } as const;
    expect(specifiersBrokenBy(python, ['>=3.9,<3.12', '>=3.10', '==3.11.*'])).toEqual(['>=3.9,<3.12', '==3.11.*']);
  });
});

describe('resolveNewest', () => {
  const models = [
    { modelVersion: 'fraud/3', dependencies: [dep('pypi', 'numpy', '<2.1'), dep('pypi', 'torch', '>=2.2')] },
    { modelVersion: 'churn/7', dependencies: [dep('pypi', 'numpy', '>=1.24,!=2.0.1')] },
  ];
  const seen = { numpy: ['1.24.0', '1.26.4', '2.0.0', '2.0.1', '2.1.0', '2.0.2rc1'], torch: ['2.2.0', '2.3.0rc1'] };
  const limits = { maxSteps: 1000, deadlineMs: 1000, now: () => 0 };

  it('picks the newest seen version every model accepts, pre-releases only when nothing else fits or asked', () => {
    const installed = { numpy: '1.26.4', torch: '2.2.0', requests: '2.31.0' };
    const result = resolveNewest(installed, models, seen, limits);
    expect(result.gaveUp).toBeNull();
    expect(result.packages.map((p) => [p.package, p.current, p.newest])).toEqual([
      ['numpy', '1.26.4', '2.0.0'],
      ['requests', '2.31.0', '2.31.0'],
      ['torch', '2.2.0', '2.2.0'],
    ]);
    const pre = resolveNewest(installed, models, seen, { ...limits, prereleases: true });
    expect(pre.packages.map((p) => p.newest)).toEqual(['2.0.2rc1', '2.31.0', '2.3.0rc1']);
  });

  it('says when it gave up, on steps or on time', () => {
    const installed = { numpy: '1.26.4', torch: '2.2.0' };
    expect(resolveNewest(installed, models, seen, { ...limits, maxSteps: 2 }).gaveUp).toEqual({
      reason: 'steps',
      atPackage: 'numpy',
    });
    let t = 0;
    const slow = resolveNewest(installed, models, seen, { ...limits, now: () => (t += 600) });
    expect(slow.gaveUp).toEqual({ reason: 'time', atPackage: 'numpy' });
  });
});

describe('schemaChangeImpact', () => {
  it('finds model versions that read a removed or retyped column', () => {
    const before = { amount: 'double', country: 'string', ts: 'timestamp' };
    const after = { amount: 'decimal(10,2)', ts: 'TIMESTAMP', device: 'string' };
    const readers = [
      { modelVersion: 'fraud/3', columns: ['amount', 'ts'] },
      { modelVersion: 'churn/7', columns: ['country'] },
      { modelVersion: 'ltv/1', columns: ['ts', 'device'] },
    ];
    expect(schemaChangeImpact(before, after, readers)).toEqual({
      changes: [
        { column: 'amount', change: 'retyped', from: 'double', to: 'decimal(10,2)' },
        { column: 'country', change: 'removed', from: 'string', to: null },
      ],
      affected: [
        {
          modelVersion: 'fraud/3',
          changes: [{ column: 'amount', change: 'retyped', from: 'double', to: 'decimal(10,2)' }],
        },
        { modelVersion: 'churn/7', changes: [{ column: 'country', change: 'removed', from: 'string', to: null }] },
      ],
    });
  });
});

describe('declarationsFromApi', () => {
  it('normalises names and refuses what no parser accepts, naming the field', async () => {
    const { declarationsFromApi } = await import('./api-declaration.js');
    expect(declarationsFromApi([{ kind: 'pypi', name: 'Scikit_Learn', specifier: '>= 1.3' }])[0]).toMatchObject({
      name: 'scikit-learn',
      specifier: '>=1.3',
    });
    expect(() => declarationsFromApi([{ kind: 'pypi', name: 'numpy', specifier: '=>1' }])).toThrow(
      /dependencies\[0\]\.specifier/,
    );
    expect(() => declarationsFromApi([{ kind: 'npm', name: 'left-pad', specifier: '>>1' }])).toThrow(/semver range/);
    expect(() => declarationsFromApi([{ kind: 'runtime', name: 'java', specifier: '' }])).toThrow(/python, cuda, os/);
    expect(() => declarationsFromApi([{ kind: 'image', name: 'c', specifier: 'latest' }])).toThrow(/sha256/);
    expect(() => declarationsFromApi([{ kind: 'cargo', name: 'x' }])).toThrow(/kind must be one of/);
  });
});
