import type { DeclaredDependency } from '../../src/domain/dependencies/declared-dependency.js';
import { providedEnvironment } from '../../src/domain/dependencies/provided-environment.js';
import { type PackageChange, type WhatIfTarget, whatIf } from '../../src/domain/dependencies/what-if.js';
import type { BenchContext, Scenario } from '../lib/scenario.js';
import { percentile, timeIterations } from '../lib/stats.js';

const WARMUP = 5;
const TARGET_MS = 200;
const PACKAGES = ['numpy', 'pandas', 'scipy', 'torch', 'scikit-learn', 'requests', 'pyarrow', 'xgboost'];
const SPECIFIERS = ['>=1.20,<2', '~=1.26.0', '>=1.22', '<2.1,!=2.0.1', '==1.26.*', '>=1.24,<3', '', '>=2.0'];

/**
 * What-if over a fleet: every model version declares eight Python packages with specifiers from a small realistic
 * set (so answers repeat, as they do in real fleets) plus a Python runtime; each target runs its share of the
 * versions. The question changes numpy and Python on every target.
 */
function fleet(versions: number, targets: number) {
  const declarations = new Map<string, DeclaredDependency[]>();
  const source = { file: 'api', line: 0, column: 0 } as const;
  for (let v = 0; v < versions; v++) {
    declarations.set(`model_version:m${v % 1000}/${Math.floor(v / 1000) + 1}`, [
      ...PACKAGES.map((name, i) => ({
        kind: 'pypi' as const,
        name,
        specifier: SPECIFIERS[(v + i) % SPECIFIERS.length] as string,
        source,
      })),
      { kind: 'runtime', name: 'python', specifier: v % 3 === 0 ? '>=3.9,<3.12' : '>=3.10', source },
    ]);
  }
  const ids = [...declarations.keys()];
  const fleetTargets: WhatIfTarget[] = Array.from({ length: targets }, (_, t) => ({
    target: `target-${t}`,
    env: providedEnvironment({
      os: 'linux',
      runtime: 'CPython 3.11.9',
      packages: Object.fromEntries(PACKAGES.map((p) => [p, '1.26.4'])),
      hardware: {},
      containerImageDigest: null,
    }),
    deployed: ids.filter((_, i) => i % targets === t),
  }));
  return { declarations, targets: fleetTargets };
}

async function run(context: BenchContext): Promise<void> {
  const versions = context.quick ? 1_000 : 10_000;
  const targets = context.quick ? 10 : 100;
  const iterations = context.quick ? 10 : 50;
  context.note(
    `what-if: the what-if answer (domain computation, no HTTP or database) for numpy==2.1.0 and python==3.12.1 ` +
      `on every target, over ${versions.toLocaleString('en-US')} model versions (8 packages and a Python runtime ` +
      `declared each) deployed across ${targets} targets. ${iterations} timed answers after ${WARMUP} warm-up ones; ` +
      `each answer's size is checked.`,
  );
  const { declarations, targets: fleetTargets } = fleet(versions, targets);
  const changes: PackageChange[] = [
    { kind: 'pypi', name: 'numpy', version: '2.1.0' },
    { kind: 'runtime', name: 'python', version: '3.12.1' },
  ];
  let expected: number | undefined;
  const samples = await timeIterations(WARMUP, iterations, async () => {
    const breaks = whatIf(fleetTargets, (mv) => declarations.get(mv) ?? [], changes);
    expected ??= breaks.length;
    if (breaks.length !== expected || breaks.length === 0) throw new Error(`what-if answered ${breaks.length} breaks`);
  });
  for (const backend of context.backends.slice(0, 1)) {
    context.record({
      scenario: 'what-if',
      backend,
      figure: `what-if over ${versions} versions × ${targets} targets, p50`,
      unit: 'ms',
      value: percentile(samples, 50),
      target: { value: TARGET_MS, better: 'lower' },
    });
  }
}

const scenario: Scenario = { name: 'what-if', order: 90, run };
export default scenario;
