import { type BackendName, createDatabase } from '../lib/databases.js';
import { type ColumnBatch, openDirectWriter } from '../lib/direct-writer.js';
import { digits, EPOCH, experimentRows } from '../lib/experiment-rows.js';
import { HttpClient } from '../lib/http-client.js';
import { loadRuns, METRICS_PER_RUN, PARAMS_PER_RUN, random, TAGS_PER_RUN } from '../lib/run-fixtures.js';
import type { BenchContext, Scenario } from '../lib/scenario.js';
import { startServerProcess } from '../lib/server-process.js';
import { percentile, timeIterations } from '../lib/stats.js';

const WARMUP = 5;
const TARGET_MS = 20;
const CHUNK = 20_000;
/** Names carry six digits, so a prefix of all but the last digit matches exactly ten of them. */

interface KeysReply {
  params: string[];
  metrics: string[];
  tags: string[];
}

/** The keys loadRuns gives every run, as the endpoint must list them: sorted. */
const EXPECTED_KEYS: KeysReply = {
  params: Array.from({ length: PARAMS_PER_RUN }, (_, j) => `p${j}`).sort(),
  metrics: Array.from({ length: METRICS_PER_RUN }, (_, j) => `m${j}`).sort(),
  tags: ['mlflow.runName', ...Array.from({ length: TAGS_PER_RUN - 1 }, (_, j) => `t${j + 1}`)].sort(),
};

async function run(context: BenchContext): Promise<void> {
  const runs = context.quick ? 2_000 : 100_000;
  const named = context.quick ? 5_000 : 100_000;
  const iterations = context.quick ? 20 : 100;
  context.note(
    `autocomplete: GET /api/v1/experiments/:id/keys (the UI's filter and column completion; it takes no prefix and ` +
      `lists every key) over an experiment of ${runs.toLocaleString('en-US')} runs (${PARAMS_PER_RUN} params, ` +
      `${METRICS_PER_RUN} metrics, ${TAGS_PER_RUN} tags each) beside a small experiment with keys of its own; name ` +
      `prefix search (name LIKE '<prefix>%', 10 matches, maxResults 20) over ${named.toLocaleString('en-US')} ` +
      `registered models and ${named.toLocaleString('en-US')} experiments, all loaded straight into the database. ` +
      `${iterations} timed requests after ${WARMUP} warm-up ones, each prefix different; every answer is checked.`,
  );
  for (const backend of context.backends) await measure(context, backend, runs, named, iterations);
}

async function measure(
  context: BenchContext,
  backend: BackendName,
  runs: number,
  named: number,
  iterations: number,
): Promise<void> {
  const database = await createDatabase(backend);
  const server = await startServerProcess(database.uri);
  const http = new HttpClient(server.url, 1);
  try {
    const experimentId = await createExperiment(http, 'autocomplete');
    // A second experiment with a key of its own: the big one's keys must not include it.
    const otherId = await createExperiment(http, 'autocomplete-other');
    const { run: other } = await http.json<{ run: { runId: string } }>(
      'POST',
      '/api/v1/runs',
      { experimentId: otherId },
      201,
    );
    await http.json('POST', `/api/v1/runs/${other.runId}/batch`, { params: { only_other: '1' } });

    const started = Date.now();
    const writer = await openDirectWriter(database);
    try {
      await loadRuns(writer, experimentId, runs);
      for (let start = 0; start < named; start += CHUNK) {
        const count = Math.min(CHUNK, named - start);
        await writer.insert(modelRows(start, count));
        await writer.insert(experimentRows(start, count));
      }
      if (backend === 'postgres') await writer.query('analyze');
    } finally {
      await writer.close();
    }
    context.log(
      `loaded ${runs.toLocaleString('en-US')} runs, ${named.toLocaleString('en-US')} models and experiments in ` +
        `${((Date.now() - started) / 1000).toFixed(1)} s`,
    );

    const otherKeys = await http.json<KeysReply>('GET', `/api/v1/experiments/${otherId}/keys`);
    if (JSON.stringify(otherKeys.params) !== JSON.stringify(['only_other'])) {
      throw new Error(`the small experiment's keys are ${JSON.stringify(otherKeys)}`);
    }
    const keys = await timeIterations(WARMUP, iterations, async () => {
      const reply = await http.json<KeysReply>('GET', `/api/v1/experiments/${experimentId}/keys`);
      if (JSON.stringify(reply) !== JSON.stringify(EXPECTED_KEYS)) {
        throw new Error(`keys of the big experiment: ${JSON.stringify(reply)}`);
      }
    });

    const next = random(3);
    // Ten names share each prefix: the five-digit prefixes of the loaded names.
    const prefix = () => digits(Math.floor(next() * (named / 10)) * 10).slice(0, 5);
    const models = await timeIterations(WARMUP, iterations, async () => {
      const p = prefix();
      const reply = await http.json<{ registeredModels: { name: string }[] }>(
        'POST',
        '/api/v1/registered-models/search',
        { filter: `name LIKE 'model-${p}%'`, maxResults: 20 },
      );
      checkNames(
        reply.registeredModels.map((m) => m.name),
        `model-${p}`,
        true,
      );
    });
    const experiments = await timeIterations(WARMUP, iterations, async () => {
      const p = prefix();
      const reply = await http.json<{ experiments: { name: string }[] }>('POST', '/api/v1/experiments/search', {
        filter: `name LIKE 'exp-${p}%'`,
        maxResults: 20,
      });
      checkNames(
        reply.experiments.map((e) => e.name),
        `exp-${p}`,
        false,
      );
    });

    const size = (n: number) => `${(n / 1000).toLocaleString('en-US')}k`;
    for (const [label, samples] of [
      [`experiment keys (params, metrics, tags), ${size(runs)} runs`, keys],
      [`registered-model name prefix, ${size(named)} models`, models],
      [`experiment name prefix, ${size(named)} experiments`, experiments],
    ] as const) {
      context.record({
        scenario: 'autocomplete',
        backend,
        figure: `${label}, p50`,
        unit: 'ms',
        value: percentile(samples, 50),
        target: { value: TARGET_MS, better: 'lower' },
      });
      context.record({
        scenario: 'autocomplete',
        backend,
        figure: `${label}, p95`,
        unit: 'ms',
        value: percentile(samples, 95),
      });
    }
  } finally {
    http.close();
    await server.stop();
    await database.drop();
  }
}

async function createExperiment(http: HttpClient, name: string): Promise<string> {
  const { experiment } = await http.json<{ experiment: { experimentId: string } }>(
    'POST',
    '/api/v1/experiments',
    { name },
    201,
  );
  return experiment.experimentId;
}

/** The ten names of a prefix, exactly (sorted by name when the endpoint promises that order). */
function checkNames(names: string[], prefix: string, sortedByName: boolean): void {
  const expected = Array.from({ length: 10 }, (_, d) => `${prefix}${d}`);
  const got = sortedByName ? names : [...names].sort();
  if (JSON.stringify(got) !== JSON.stringify(expected)) {
    throw new Error(`prefix ${prefix} found ${JSON.stringify(names)}`);
  }
}

function modelRows(start: number, count: number): ColumnBatch {
  const ids = Array.from({ length: count }, (_, k) => start + k);
  return {
    table: 'registered_models',
    columns: [
      { name: 'model_id', type: 'text', values: ids.map((i) => `bench-model-${i}`) },
      { name: 'name', type: 'text', values: ids.map((i) => `model-${digits(i)}`) },
      { name: 'regulatory_flags', type: 'text', values: ids.map(() => '[]') },
      { name: 'metadata', type: 'text', values: ids.map(() => '{}') },
      { name: 'last_version', type: 'int', values: ids.map(() => 0) },
      { name: 'creation_time', type: 'bigint', values: ids.map((i) => EPOCH + i) },
      { name: 'last_updated_time', type: 'bigint', values: ids.map((i) => EPOCH + i) },
    ],
  };
}

const scenario: Scenario = { name: 'autocomplete', order: 4, run };
export default scenario;
