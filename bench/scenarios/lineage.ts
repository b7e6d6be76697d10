import { type BackendName, createDatabase } from '../lib/databases.js';
import { type ColumnBatch, openDirectWriter } from '../lib/direct-writer.js';
import { HttpClient } from '../lib/http-client.js';
import { random } from '../lib/run-fixtures.js';
import type { BenchContext, Scenario } from '../lib/scenario.js';
import { startServerProcess } from '../lib/server-process.js';
import { percentile, timeIterations } from '../lib/stats.js';

const WARMUP = 3;
const LAYERS = 12;
const CONSUMED_PER_RUN = 4;
const OUTPUTS_PER_RUN = 2;

/**
 * A layered pipeline graph: in every layer each run consumes 4 dataset versions of its layer and produces 2 of the
 * next; half the runs also produce a model version; feature versions derive from dataset versions. With 12,500
 * runs per layer that is 1,000,000 edges (600k consumed, 300k produced datasets, 75k produced models, 25k
 * derived_from features).
 */
function graphShape(runsPerLayer: number) {
  const versionsPerLayer = runsPerLayer * OUTPUTS_PER_RUN;
  const runs = runsPerLayer * LAYERS;
  const features = Math.round(runs / 6);
  const edges = runs * (CONSUMED_PER_RUN + OUTPUTS_PER_RUN) + runs / 2 + features;
  return { versionsPerLayer, runs, features, edges };
}

async function run(context: BenchContext): Promise<void> {
  const runsPerLayer = context.quick ? 500 : 12_500;
  const iterations = context.quick ? 15 : 50;
  const shape = graphShape(runsPerLayer);
  context.note(
    `lineage: a ${LAYERS}-layer pipeline graph of ${shape.edges.toLocaleString('en-US')} edges loaded straight into ` +
      `the database; ${iterations} timed requests after ${WARMUP} warm-up ones, each from a different dataset ` +
      'version of the first layers. Impact = GET /api/v1/lineage/impact?depth=10 (recursive SQL closure, paths ' +
      'and grouping); models trained on = GET /api/v1/lineage/dataset-versions/<id>/models.',
  );
  for (const backend of context.backends) await measure(context, backend, runsPerLayer, iterations);
}

async function measure(context: BenchContext, backend: BackendName, runsPerLayer: number, iterations: number) {
  const database = await createDatabase(backend);
  const server = await startServerProcess(database.uri);
  const http = new HttpClient(server.url, 1);
  try {
    const writer = await openDirectWriter(database);
    const started = Date.now();
    const shape = graphShape(runsPerLayer);
    for (const batch of graphBatches(runsPerLayer)) await writer.insert(batch);
    if (backend === 'postgres') await writer.query('analyze');
    const edges = await writer.count('select count(*) as n from lineage_edges', []);
    await writer.close();
    if (edges !== shape.edges) throw new Error(`loaded ${edges} edges, expected ${shape.edges}`);
    context.log(
      `loaded ${edges.toLocaleString('en-US')} lineage edges in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );

    const next = random(11);
    const pick = () => `dataset_version:d${Math.floor(next() * 2)}-${Math.floor(next() * shape.versionsPerLayer)}`;
    let reached = 0;
    const impact = await timeIterations(WARMUP, iterations, async () => {
      const reply = await http.json<{ runs: unknown[]; modelVersions: unknown[]; depth: { applied: number } }>(
        'GET',
        `/api/v1/lineage/impact?nodeId=${encodeURIComponent(pick())}&depth=10`,
      );
      if (reply.depth.applied !== 10 || reply.runs.length === 0) throw new Error('impact reached no run');
      reached += reply.runs.length + reply.modelVersions.length;
    });
    const trained = await timeIterations(WARMUP, iterations, async () => {
      const id = pick().slice('dataset_version:'.length);
      const reply = await http.json<{ modelVersions: unknown[] }>(
        'GET',
        `/api/v1/lineage/dataset-versions/${encodeURIComponent(id)}/models`,
      );
      if (reply.modelVersions.length === 0) throw new Error('a first-layer dataset version trained no model');
    });
    context.log(`impact reached ${Math.round(reached / (WARMUP + iterations))} runs and model versions on average`);
    const size = `${shape.edges.toLocaleString('en-US')} edges`;
    for (const [label, samples] of [
      ['downstream impact of a dataset version (depth 10)', impact],
      ['models trained on a dataset version', trained],
    ] as const) {
      for (const p of [50, 95]) {
        context.record({
          scenario: 'lineage',
          backend,
          figure: `${label}, ${size}, p${p}`,
          unit: 'ms',
          value: percentile(samples, p),
        });
      }
    }
  } finally {
    http.close();
    await server.stop();
    await database.drop();
  }
}

/** The graph as column batches of at most 50,000 rows, deterministic for a given size. */
function* graphBatches(runsPerLayer: number): Generator<ColumnBatch> {
  const shape = graphShape(runsPerLayer);
  const next = random(5);
  const nodes = new Rows(
    ['node_id', 'kind', 'label', 'attributes', 'created_time'],
    ['text', 'text', 'text', 'text', 'bigint'],
  );
  const edges = new Rows(
    ['from_node', 'to_node', 'edge_type', 'run_id', 'event_id', 'created_time', 'attributes'],
    ['text', 'text', 'text', 'text', 'text', 'bigint', 'text'],
  );
  const dv = (layer: number, i: number) => `dataset_version:d${layer}-${i}`;
  for (let layer = 0; layer <= LAYERS; layer++) {
    for (let i = 0; i < shape.versionsPerLayer; i++) {
      yield* nodes.add([dv(layer, i), 'dataset_version', `d${layer}-${i}`, '{}', 0], 'lineage_nodes');
    }
  }
  for (let layer = 0; layer < LAYERS; layer++) {
    for (let r = 0; r < runsPerLayer; r++) {
      const runId = `r${layer}-${r}`;
      const runNode = `run:${runId}`;
      yield* nodes.add([runNode, 'run', runId, '{}', 0], 'lineage_nodes');
      // Each run reads its own slice of the layer (so every dataset version has a reader) and two neighbours'
      // outputs, so closures stay connected but do not explode.
      const inputs = new Set<number>([r * OUTPUTS_PER_RUN, r * OUTPUTS_PER_RUN + 1]);
      while (inputs.size < CONSUMED_PER_RUN) {
        inputs.add((r * OUTPUTS_PER_RUN + Math.floor(next() * 16)) % shape.versionsPerLayer);
      }
      for (const i of inputs)
        yield* edges.add([dv(layer, i), runNode, 'consumed', runId, null, 0, '{}'], 'lineage_edges');
      for (let o = 0; o < OUTPUTS_PER_RUN; o++) {
        yield* edges.add(
          [runNode, dv(layer + 1, r * OUTPUTS_PER_RUN + o), 'produced', runId, null, 0, '{}'],
          'lineage_edges',
        );
      }
      if (r % 2 === 0) {
        const model = `model_version:m${layer}-${r}/1`;
        yield* nodes.add([model, 'model_version', `m${layer}-${r} v1`, '{}', 0], 'lineage_nodes');
        yield* edges.add([runNode, model, 'produced', runId, null, 0, '{}'], 'lineage_edges');
      }
    }
  }
  for (let f = 0; f < shape.features; f++) {
    const feature = `feature_version:f${f}`;
    yield* nodes.add([feature, 'feature_version', `f${f}@1`, '{}', 0], 'lineage_nodes');
    const source = dv(Math.floor(next() * LAYERS), Math.floor(next() * shape.versionsPerLayer));
    yield* edges.add([source, feature, 'derived_from', null, null, 0, '{}'], 'lineage_edges');
  }
  yield* nodes.flush('lineage_nodes');
  yield* edges.flush('lineage_edges');
}

/** Accumulates rows column by column and hands out a batch every 50,000 rows. */
class Rows {
  private columns: (string | number | null)[][];

  constructor(
    private readonly names: string[],
    private readonly types: ColumnBatch['columns'][number]['type'][],
  ) {
    this.columns = names.map(() => []);
  }

  *add(row: (string | number | null)[], table: string): Generator<ColumnBatch> {
    for (const [i, value] of row.entries()) this.columns[i]!.push(value);
    if (this.columns[0]!.length >= 50_000) yield* this.flush(table);
  }

  *flush(table: string): Generator<ColumnBatch> {
    if (this.columns[0]!.length === 0) return;
    yield {
      table,
      columns: this.names.map((name, i) => ({ name, type: this.types[i]!, values: this.columns[i]! })),
    };
    this.columns = this.names.map(() => []);
  }
}

const scenario: Scenario = { name: 'lineage', order: 5, run };
export default scenario;
