import { availableParallelism } from 'node:os';
import { ADMIN_POSTGRES_URL, type BackendName, type BenchDatabase, createDatabase } from '../lib/databases.js';
import { openDirectWriter } from '../lib/direct-writer.js';
import { HttpClient } from '../lib/http-client.js';
import { type CpuMeter, ownMeter, postgresBackendsMeter, processTreeMeter } from '../lib/process-cpu.js';
import { loadRuns } from '../lib/run-fixtures.js';
import type { BenchContext, Scenario } from '../lib/scenario.js';
import { startServerProcess } from '../lib/server-process.js';
import { elapsedMs, now, percentile } from '../lib/stats.js';

const CLIENTS = 48;
const SEEDED_RUNS = 2_000;
const HISTORY_POINTS = 1_000;
/** What a team's server must hold up under: the mixed workload at this rate or more, with this tail or less. */
const TARGET_RATE = 1_000;
const TARGET_P99_MS = 200;
/** Requests of each kind sent alone, after the mixed load, to find what each costs in CPU time. */
const KIND_REQUESTS = { quick: 600, full: 3_000 };
const KIND_CLIENTS = 16;
/** One server process per core, as the README advises for a production server. */
const WORKERS = availableParallelism();

/** The mix, in twentieths: how often each kind of request comes up, as training jobs and people call a server. */
const MIX: readonly Kind[] = [
  ...Array<Kind>(8).fill('log-batch'),
  ...Array<Kind>(2).fill('create-run'),
  ...Array<Kind>(4).fill('search'),
  ...Array<Kind>(4).fill('history'),
  ...Array<Kind>(2).fill('registry'),
];
type Kind = 'log-batch' | 'create-run' | 'search' | 'history' | 'registry';
const KINDS: readonly Kind[] = ['log-batch', 'create-run', 'search', 'history', 'registry'];

/**
 * The whole server under a steady mixed load, as the operations issue asks: MLflow metric batches (10 points each)
 * from training jobs, run creation, filtered run searches, metric history reads and registry reads, from 48 clients
 * with keep-alive connections for 60 s (10 s quick), after a 5 s warm-up. Every answer must be a success: any other
 * status, or a dropped connection, counts as an error. The load generator shares the two cores with the server and
 * the database, so the rate is what the whole machine manages, not the server alone.
 *
 * Rates and latencies depend on whatever else the machine runs; CPU time does not, or much less. So the scenario also
 * reports the CPU time per request that the server (all its workers), the database (PostgreSQL's backends; SQLite runs inside the
 * server) and the load generator itself spent during the mixed load, and then sends each kind of request alone to
 * report what one of each costs the server and the database.
 */
async function run(context: BenchContext): Promise<void> {
  const seconds = context.quick ? 10 : 60;
  context.note(
    `load: ${CLIENTS} clients for ${seconds} s after a 5 s warm-up against a server with --workers ${WORKERS}; per 20 requests 8 MLflow log-batch (10 metrics), ` +
      `2 run creations, 4 filtered searches over ${SEEDED_RUNS.toLocaleString('en-US')} runs, 4 metric histories ` +
      `(${HISTORY_POINTS.toLocaleString('en-US')} points), 2 registry reads.`,
  );
  for (const backend of context.backends) await measure(context, backend, seconds);
}

async function measure(context: BenchContext, backend: BackendName, seconds: number): Promise<void> {
  const database = await createDatabase(backend);
  const server = await startServerProcess(database.uri, { args: ['--workers', String(WORKERS)] });
  const http = new HttpClient(server.url, CLIENTS);
  const meters = cpuMeters(database, server.pid);
  try {
    const seeded = await seed(http, database, backend);
    const latencies: number[] = [];
    const latenciesByKind = new Map<Kind, number[]>(MIX.map((kind) => [kind, []]));
    let errors = 0;
    let firstError: string | undefined;
    let counting = false;
    let stop = false;
    let step = 0;
    const loop = async (client: number) => {
      for (let i = client; !stop; i += CLIENTS) {
        const kind = MIX[i % MIX.length]!;
        const started = now();
        let ok: boolean;
        try {
          const response = await send(http, kind, seeded, client, step++);
          ok = response.status >= 200 && response.status < 300;
          if (!ok) firstError ??= `${kind}: ${response.status} ${response.body.slice(0, 200)}`;
        } catch (error) {
          ok = false;
          firstError ??= `${kind}: ${(error as Error).message}`;
        }
        if (!counting) continue;
        const latency = elapsedMs(started);
        latencies.push(latency);
        latenciesByKind.get(kind)!.push(latency);
        if (!ok) errors += 1;
      }
    };
    const clients = Array.from({ length: CLIENTS }, (_, client) => loop(client));
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    counting = true;
    const started = now();
    const cpuBefore = await readAll(meters);
    await new Promise((resolve) => setTimeout(resolve, seconds * 1_000));
    counting = false;
    const elapsed = elapsedMs(started) / 1000;
    const cpuUsed = difference(await readAll(meters), cpuBefore);
    stop = true;
    await Promise.all(clients);
    if (firstError) context.log(`load [${backend}] first error: ${firstError}`);
    const figure = (
      name: string,
      unit: string,
      value: number,
      target?: { value: number; better: 'higher' | 'lower' },
    ) => context.record({ scenario: 'load', backend, figure: name, unit, value, ...(target ? { target } : {}) });
    figure(`mixed requests, ${CLIENTS} clients`, 'req/s', latencies.length / elapsed, {
      value: TARGET_RATE,
      better: 'higher',
    });
    figure('latency p50', 'ms', percentile(latencies, 50));
    figure('latency p99', 'ms', percentile(latencies, 99), { value: TARGET_P99_MS, better: 'lower' });
    figure('errors', 'requests', errors, { value: 0, better: 'lower' });
    // Which kind of request holds the others up: each kind's own median under the same load.
    for (const [kind, values] of latenciesByKind) figure(`latency p50, ${kind}`, 'ms', percentile(values, 50));
    for (const [part, used] of Object.entries(cpuUsed)) {
      figure(`${part} CPU per mixed request`, 'ms', used / latencies.length);
    }
    const perKind = context.quick ? KIND_REQUESTS.quick : KIND_REQUESTS.full;
    for (const kind of KINDS) {
      const used = await cpuPerRequest(meters, perKind, (i) => send(http, kind, seeded, i % CLIENTS, step++));
      for (const [part, ms] of Object.entries(used)) {
        if (part !== 'load generator') figure(`${part} CPU per request, ${kind} alone`, 'ms', ms);
      }
    }
  } finally {
    http.close();
    await server.stop();
    await database.drop();
  }
}

type Meters = Record<string, CpuMeter>;

function cpuMeters(database: BenchDatabase, serverPid: number): Meters {
  const meters: Meters = { server: processTreeMeter(serverPid), 'load generator': ownMeter };
  if (database.postgresUrl) {
    meters.database = postgresBackendsMeter(ADMIN_POSTGRES_URL, new URL(database.postgresUrl).pathname.slice(1));
  }
  return meters;
}

async function readAll(meters: Meters): Promise<Record<string, number>> {
  const totals: Record<string, number> = {};
  for (const [part, meter] of Object.entries(meters)) totals[part] = await meter.read();
  return totals;
}

function difference(after: Record<string, number>, before: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(after).map(([part, total]) => [part, total - (before[part] ?? 0)]));
}

/**
 * CPU time per request of one kind sent alone by KIND_CLIENTS clients: a tenth of the requests warm up first (JIT,
 * prepared statements), then the rest are counted. Any failure stops the scenario, as in the mixed load.
 */
async function cpuPerRequest(
  meters: Meters,
  requests: number,
  call: (i: number) => Promise<{ status: number; body: string }>,
): Promise<Record<string, number>> {
  const drive = async (count: number) => {
    let next = 0;
    await Promise.all(
      Array.from({ length: KIND_CLIENTS }, async () => {
        while (next < count) {
          const response = await call(next++);
          if (response.status < 200 || response.status >= 300) {
            throw new Error(`answered ${response.status}: ${response.body.slice(0, 200)}`);
          }
        }
      }),
    );
  };
  await drive(Math.ceil(requests / 10));
  const before = await readAll(meters);
  await drive(requests);
  const used = difference(await readAll(meters), before);
  return Object.fromEntries(Object.entries(used).map(([part, ms]) => [part, ms / requests]));
}

interface Seeded {
  experimentId: string;
  /** One run per client to log into, as each training job has its own. */
  runs: string[];
  historyRun: string;
  bodies: Buffer[];
}

async function seed(http: HttpClient, database: BenchDatabase, backend: BackendName): Promise<Seeded> {
  const mlflow = '/api/2.0/mlflow';
  const { experiment_id: experimentId } = await http.json<{ experiment_id: string }>(
    'POST',
    `${mlflow}/experiments/create`,
    { name: 'load' },
  );
  const createRun = async () =>
    (
      await http.json<{ run: { info: { run_id: string } } }>('POST', `${mlflow}/runs/create`, {
        experiment_id: experimentId,
      })
    ).run.info.run_id;
  const runs: string[] = [];
  for (let c = 0; c < CLIENTS; c++) runs.push(await createRun());
  const historyRun = await createRun();
  for (let start = 0; start < HISTORY_POINTS; start += 1_000) {
    const metrics = Array.from({ length: 1_000 }, (_, i) => ({
      key: 'loss',
      value: 1 / (start + i + 1),
      timestamp: 1_700_000_000_000 + start + i,
      step: start + i,
    }));
    await http.json('POST', `${mlflow}/runs/log-batch`, { run_id: historyRun, metrics });
  }
  await http.json('POST', `${mlflow}/registered-models/create`, { name: 'load-model' });
  for (let v = 0; v < 3; v++) {
    await http.json('POST', `${mlflow}/model-versions/create`, {
      name: 'load-model',
      source: `runs:/${historyRun}/model`,
      run_id: historyRun,
    });
  }
  const writer = await openDirectWriter(database);
  await loadRuns(writer, experimentId, SEEDED_RUNS);
  if (backend === 'postgres') await writer.query('analyze');
  await writer.close();
  const bodies = Array.from({ length: 64 }, (_, b) =>
    Buffer.from(
      JSON.stringify({
        metrics: Array.from({ length: 10 }, (_, k) => ({
          key: `m${k}`,
          value: Math.sin(b + k),
          timestamp: 1_700_000_000_000 + b,
          step: b,
        })),
      }),
    ),
  );
  return { experimentId, runs, historyRun, bodies };
}

function send(http: HttpClient, kind: Kind, seeded: Seeded, client: number, step: number) {
  const mlflow = '/api/2.0/mlflow';
  switch (kind) {
    case 'log-batch': {
      // Each batch goes to the client's own run with a step of its own: a training loop logging as it goes.
      const body = JSON.parse(seeded.bodies[step % seeded.bodies.length]!.toString()) as {
        metrics: { step: number }[];
      };
      for (const metric of body.metrics) metric.step = step;
      return http.send('POST', `${mlflow}/runs/log-batch`, JSON.stringify({ run_id: seeded.runs[client], ...body }));
    }
    case 'create-run':
      return http.send('POST', `${mlflow}/runs/create`, JSON.stringify({ experiment_id: seeded.experimentId }));
    case 'search':
      return http.send(
        'POST',
        `${mlflow}/runs/search`,
        JSON.stringify({
          experiment_ids: [seeded.experimentId],
          filter: `metrics.m0 > 0.5 and params.p3 = 'v${step % 8}'`,
          order_by: ['metrics.m1 DESC'],
          max_results: 50,
        }),
      );
    case 'history':
      return http.send(
        'GET',
        `${mlflow}/metrics/get-history?run_id=${seeded.historyRun}&metric_key=loss&max_results=${HISTORY_POINTS}`,
      );
    case 'registry':
      return step % 2 === 0
        ? http.send('GET', `${mlflow}/model-versions/get?name=load-model&version=${1 + (step % 3)}`)
        : http.send('GET', `${mlflow}/registered-models/get?name=load-model`);
  }
}

const scenario: Scenario = { name: 'load', order: 80, run };
export default scenario;
