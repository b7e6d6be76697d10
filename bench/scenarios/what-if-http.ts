import type { DeclaredDependency } from '../../src/domain/dependencies/declared-dependency.js';
import { indexedRequirements } from '../../src/domain/dependencies/indexed-requirement.js';
import { canonicalJson } from '../../src/domain/provenance/canonical-json.js';
import { type BackendName, createDatabase } from '../lib/databases.js';
import { type ColumnBatch, openDirectWriter } from '../lib/direct-writer.js';
import { HttpClient } from '../lib/http-client.js';
import { readCpuMs } from '../lib/proc-status.js';
import type { BenchContext, Scenario } from '../lib/scenario.js';
import { startServerProcess } from '../lib/server-process.js';
import { percentile, timeIterations } from '../lib/stats.js';

const WARMUP = 3;
const TARGET_MS = 200;
const VERSIONS_PER_MODEL = 10;
const PACKAGES = ['numpy', 'pandas', 'scipy', 'torch', 'scikit-learn', 'requests', 'pyarrow', 'xgboost'];
const SPECIFIERS = ['>=1.20,<2', '~=1.26.0', '>=1.22', '<2.1,!=2.0.1', '==1.26.*', '>=1.24,<3', '', '>=2.0'];
const CHANGES = [
  { kind: 'pypi', name: 'numpy', version: '2.1.0' },
  { kind: 'runtime', name: 'python', version: '3.12.1' },
];

/**
 * The what-if question asked over HTTP, as `mnemo deps what-if --all-targets` asks it: the server reads every target's
 * environment, the live deployments, the declarations of the deployed versions and answers what breaks. The fleet is
 * the one the what-if scenario computes over in memory (8 Python packages from a small realistic set of specifiers
 * and a Python runtime per version), loaded straight into the database; the models are registered through the API.
 */
async function run(context: BenchContext): Promise<void> {
  const versions = context.quick ? 1_000 : 10_000;
  const targets = context.quick ? 10 : 100;
  const iterations = context.quick ? 10 : 30;
  context.note(
    `what-if-http: POST /api/v1/dependencies/what-if {allTargets, numpy==2.1.0, python==3.12.1} over ` +
      `${versions.toLocaleString('en-US')} model versions (${versions / VERSIONS_PER_MODEL} models, 8 packages and a ` +
      `Python runtime declared each), each deployed on one of ${targets} targets; declarations, environments and ` +
      `deployments loaded straight into the database. ${iterations} timed requests after ${WARMUP} warm-up ones; ` +
      `every answer's size is checked.`,
  );
  for (const backend of context.backends) await measure(context, backend, versions, targets, iterations);
}

async function measure(
  context: BenchContext,
  backend: BackendName,
  versions: number,
  targets: number,
  iterations: number,
) {
  const database = await createDatabase(backend);
  const server = await startServerProcess(database.uri);
  const http = new HttpClient(server.url, 1);
  try {
    const started = Date.now();
    const models = versions / VERSIONS_PER_MODEL;
    for (let m = 0; m < models; m++) {
      await http.json('POST', '/api/v1/registered-models', { name: `model-${m}` }, 201);
    }
    const writer = await openDirectWriter(database);
    const ids = new Map(
      (await writer.texts(`select name || '|' || model_id as v from registered_models`)).map((row) => {
        const bar = row.indexOf('|');
        return [row.slice(0, bar), row.slice(bar + 1)] as const;
      }),
    );
    for (const batch of fleetBatches(versions, targets, ids)) await writer.insert(batch);
    if (backend === 'postgres') await writer.query('analyze');
    await writer.close();
    context.log(
      `loaded ${versions} declarations across ${targets} targets in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );

    const body = Buffer.from(JSON.stringify({ allTargets: true, changes: CHANGES }));
    let expected: number | undefined;
    let cpuBefore = 0;
    const samples = await timeIterations(WARMUP, iterations, async (i) => {
      if (i === WARMUP) cpuBefore = await readCpuMs(server.pid);
      const reply = await http.send('POST', '/api/v1/dependencies/what-if', body);
      if (reply.status !== 200) throw new Error(`what-if answered ${reply.status}: ${reply.body.slice(0, 300)}`);
      const answer = JSON.parse(reply.body) as { breaks: unknown[]; targetsChecked: number };
      expected ??= answer.breaks.length;
      if (answer.targetsChecked !== targets || answer.breaks.length !== expected || expected === 0) {
        throw new Error(`what-if checked ${answer.targetsChecked} targets and found ${answer.breaks.length} breaks`);
      }
    });
    const cpuPerRequest = (await readCpuMs(server.pid)) - cpuBefore;
    context.log(`what-if over HTTP found ${expected} breaks`);
    context.record({
      scenario: 'what-if-http',
      backend,
      figure: `server CPU time per what-if request, ${versions} versions × ${targets} targets`,
      unit: 'ms',
      value: cpuPerRequest / iterations,
    });
    for (const p of [50, 95]) {
      context.record({
        scenario: 'what-if-http',
        backend,
        figure: `what-if over HTTP, ${versions} versions × ${targets} targets, p${p}`,
        unit: 'ms',
        value: percentile(samples, p),
        ...(p === 50 ? { target: { value: TARGET_MS, better: 'lower' as const } } : {}),
      });
    }
  } finally {
    http.close();
    await server.stop();
    await database.drop();
  }
}

/** Declarations, one environment per target, the targets and one live deployment per version, as column batches. */
function* fleetBatches(versions: number, targets: number, ids: Map<string, string>): Generator<ColumnBatch> {
  const source = { file: 'api', line: 0, column: 0 } as const;
  const declared: (string | number)[][] = [[], [], [], [], []];
  const deployments: (string | number)[][] = [[], [], [], [], [], []];
  // The index by package the server keeps beside each document (and writes in the same transaction).
  const requirements: (string | number | null)[][] = [[], [], [], [], [], [], []];
  for (let v = 0; v < versions; v++) {
    const modelId = ids.get(`model-${Math.floor(v / VERSIONS_PER_MODEL)}`);
    if (modelId === undefined) throw new Error(`model-${Math.floor(v / VERSIONS_PER_MODEL)} was not registered`);
    const version = (v % VERSIONS_PER_MODEL) + 1;
    const dependencies: DeclaredDependency[] = [
      ...PACKAGES.map((name, i) => ({
        kind: 'pypi' as const,
        name,
        specifier: SPECIFIERS[(v + i) % SPECIFIERS.length]!,
        source,
      })),
      { kind: 'runtime', name: 'python', specifier: v % 3 === 0 ? '>=3.9,<3.12' : '>=3.10', source },
    ];
    const row = [modelId, version, JSON.stringify({ dependencies, skipped: [], allowPrereleases: false }), 'api', 0];
    for (const [i, value] of row.entries()) declared[i]!.push(value);
    for (const r of indexedRequirements(dependencies)) {
      for (const [i, value] of [modelId, version, r.position, r.kind, r.name, r.specifier, r.marker].entries()) {
        requirements[i]!.push(value);
      }
    }
    const deployment = [`dep-${v}`, `model_version:${modelId}/${version}`, `target-${v % targets}`, 'ACTIVE', 0, 0];
    for (const [i, value] of deployment.entries()) deployments[i]!.push(value);
  }
  const environment = canonicalJson({
    os: 'linux',
    runtime: 'CPython 3.11.9',
    packages: Object.fromEntries(PACKAGES.map((p) => [p, '1.26.4'])),
    hardware: {},
    containerImageDigest: null,
  });
  const environmentIds = Array.from({ length: targets }, (_, t) => `sha256:${t.toString(16).padStart(64, '0')}`);
  yield {
    table: 'lineage_environments',
    columns: [
      { name: 'environment_id', type: 'text', values: environmentIds },
      { name: 'document', type: 'text', values: environmentIds.map(() => environment) },
      { name: 'created_time', type: 'bigint', values: environmentIds.map(() => 0) },
    ],
  };
  yield {
    table: 'lineage_deployment_targets',
    columns: [
      { name: 'target_id', type: 'text', values: environmentIds.map((_, t) => `target-${t}`) },
      { name: 'name', type: 'text', values: environmentIds.map((_, t) => `target-${t}`) },
      { name: 'environment_id', type: 'text', values: environmentIds },
      { name: 'created_time', type: 'bigint', values: environmentIds.map(() => 0) },
    ],
  };
  yield {
    table: 'model_version_dependencies',
    columns: ['model_id', 'version', 'document', 'origin', 'updated_time'].map((name, i) => ({
      name,
      type: i === 1 ? 'int' : i === 4 ? 'bigint' : 'text',
      values: declared[i]!,
    })),
  };
  yield {
    table: 'model_version_requirements',
    columns: ['model_id', 'version', 'position', 'kind', 'name', 'specifier', 'marker'].map((name, i) => ({
      name,
      type: i === 1 || i === 2 ? 'int' : 'text',
      values: requirements[i]!,
    })),
  };
  yield {
    table: 'lineage_deployments',
    columns: ['deployment_id', 'model_version_node', 'target_id', 'status', 'deployed_time', 'updated_time'].map(
      (name, i) => ({ name, type: i >= 4 ? 'bigint' : 'text', values: deployments[i]! }),
    ),
  };
}

const scenario: Scenario = { name: 'what-if-http', order: 91, run };
export default scenario;
