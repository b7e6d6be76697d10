import { type BackendName, type BenchDatabase, createDatabase } from '../lib/databases.js';
import { type DirectWriter, openDirectWriter } from '../lib/direct-writer.js';
import { HttpClient } from '../lib/http-client.js';
import { runConcurrentClients } from '../lib/load.js';
import { batchColumns, wirePoints } from '../lib/metric-batches.js';
import type { BenchContext, Scenario } from '../lib/scenario.js';
import { type ServerProcess, startServerProcess } from '../lib/server-process.js';

/** How much each configuration does: quick mode trades the 16-client runs and the second limit measurement for time. */
interface Plan {
  pointsPerConfig: number;
  concurrency: number[];
  warmupRequests: number;
  /** 2: the raw-insert limit is measured before and after the server's turn and the higher kept; 1: before only. */
  limitMeasurements: 1 | 2;
}

// 300,000 points (30 native requests) per configuration give a steady rate; two million took over ten
// minutes on PostgreSQL alone, more than half of the full run's 20-minute budget.
const FULL: Plan = { pointsPerConfig: 300_000, concurrency: [1, 4, 16], warmupRequests: 2, limitMeasurements: 2 };
const QUICK: Plan = { pointsPerConfig: 30_000, concurrency: [1, 4], warmupRequests: 1, limitMeasurements: 1 };
/** Batches a run receives before the client moves to a fresh run: long histories, like real training jobs. */
const BATCHES_PER_RUN = 20;

interface Endpoint {
  name: 'native batch' | 'MLflow log-batch';
  pointsPerRequest: number;
  target: number;
  /** The request body for batch `index` of a run (bodies are built before the clock starts). */
  body(runId: string, index: number): Buffer;
  path(runId: string): string;
}

const native: Endpoint = {
  name: 'native batch',
  pointsPerRequest: 10_000,
  target: 250_000,
  body: (_runId, index) => Buffer.from(JSON.stringify({ metrics: wirePoints(batchColumns(10_000, index)) })),
  path: (runId) => `/api/v1/runs/${runId}/batch`,
};

const mlflow: Endpoint = {
  name: 'MLflow log-batch',
  pointsPerRequest: 1_000,
  target: 100_000,
  body: (runId, index) =>
    Buffer.from(
      JSON.stringify({ run_id: runId, metrics: wirePoints(batchColumns(1_000, index)), params: [], tags: [] }),
    ),
  path: () => '/api/2.0/mlflow/runs/log-batch',
};

async function run(context: BenchContext): Promise<void> {
  const plan = context.quick ? QUICK : FULL;
  context.note(
    `ingest: ${plan.pointsPerConfig.toLocaleString('en-US')} timed points per configuration ` +
      `(${plan.concurrency.join(', ')} clients) after ${plan.warmupRequests} ` +
      `untimed warm-up requests per client; each client writes its own runs, ${BATCHES_PER_RUN} batches per run. ` +
      (plan.limitMeasurements === 2
        ? "Reference (the higher of two measurements, just before and just after the server's turn): the same rows "
        : "Reference (measured once, just before the server's turn): the same rows ") +
      'inserted by the benchmark itself straight into the same database (SQLite: one ' +
      'prepared single-row INSERT reused, one transaction per batch, same pragmas; PostgreSQL: one prepared ' +
      'INSERT … SELECT FROM unnest(arrays) per batch and transaction, as many connections as clients).',
  );
  for (const backend of context.backends) {
    const database = await createDatabase(backend);
    const server = await startServerProcess(database.uri);
    try {
      await ingestOn(context, backend, database, server, plan);
    } finally {
      await server.stop();
      await database.drop();
    }
  }
}

async function ingestOn(
  context: BenchContext,
  backend: BackendName,
  database: BenchDatabase,
  server: ServerProcess,
  plan: Plan,
): Promise<void> {
  const http = new HttpClient(server.url, Math.max(...plan.concurrency) + 2);
  const writer = await openDirectWriter(database);
  try {
    const { experiment } = await http.json<{ experiment: { experimentId: string } }>(
      'POST',
      '/api/v1/experiments',
      { name: 'ingest' },
      201,
    );
    const newRun = async () =>
      (
        await http.json<{ run: { runId: string } }>(
          'POST',
          '/api/v1/runs',
          { experimentId: experiment.experimentId },
          201,
        )
      ).run.runId;

    const endpoints = [native];
    if (await mlflowLogBatchExists(http)) endpoints.push(mlflow);
    else
      context.note(
        `ingest [${backend}]: POST /api/2.0/mlflow/runs/log-batch does not exist yet; MLflow ingest skipped`,
      );

    let peakRss = 0;
    for (const endpoint of endpoints) {
      for (const clients of plan.concurrency) {
        const requestsPerClient = Math.max(1, Math.round(plan.pointsPerConfig / endpoint.pointsPerRequest / clients));
        const perClient = plan.warmupRequests + requestsPerClient;
        const runsPerClient = Math.ceil(perClient / BATCHES_PER_RUN);
        const runs: string[][] = [];
        for (let c = 0; c < clients; c++) {
          const mine: string[] = [];
          for (let r = 0; r < runsPerClient; r++) mine.push(await newRun());
          runs.push(mine);
        }
        // Request i of a client goes to run ⌊i / BATCHES_PER_RUN⌋ as that run's batch i mod BATCHES_PER_RUN.
        const bodies = runs.map((mine) =>
          Array.from({ length: perClient }, (_, i) =>
            endpoint.body(mine[Math.floor(i / BATCHES_PER_RUN)]!, i % BATCHES_PER_RUN),
          ),
        );
        // The limit is measured just before and just after the server's turn and the higher figure kept, so a
        // burst of other work on the machine during one measurement does not flatter the server's ratio.
        const measureLimit = () =>
          rawInsertRate(
            writer,
            database,
            newRun,
            backend === 'sqlite' ? 1 : clients,
            endpoint.pointsPerRequest,
            requestsPerClient * clients,
          );
        const before = await measureLimit();
        await server.resetPeak();
        const load = await runConcurrentClients({
          clients,
          warmup: plan.warmupRequests,
          requestsPerClient,
          send: async (client, i) => {
            const runId = runs[client]![Math.floor(i / BATCHES_PER_RUN)]!;
            const response = await http.send('POST', endpoint.path(runId), bodies[client]![i]!);
            if (response.status !== 200) {
              throw new Error(`${endpoint.name} answered ${response.status}: ${response.body.slice(0, 300)}`);
            }
          },
        });
        peakRss = Math.max(peakRss, await server.peakRssMiB());
        const rate = (load.requests * endpoint.pointsPerRequest) / load.seconds;
        const stored = await countPoints(writer, runs.flat());
        const expected = clients * perClient * endpoint.pointsPerRequest;
        if (stored !== expected) throw new Error(`${endpoint.name}: ${stored} points stored, ${expected} sent`);

        const limit = plan.limitMeasurements === 2 ? Math.max(before, await measureLimit()) : before;
        context.record({
          scenario: 'ingest',
          backend,
          figure: `${endpoint.name} (${endpoint.pointsPerRequest.toLocaleString('en-US')}/request), ${clients} client${clients > 1 ? 's' : ''}`,
          unit: 'points/s',
          value: rate,
          reference: {
            figure: `raw insert${backend === 'sqlite' ? '' : `, ${clients} conn`}`,
            value: limit,
            unit: 'points/s',
            ratio: rate / limit,
          },
          target: { value: endpoint.target, better: 'higher' },
        });
      }
    }
    context.record({
      scenario: 'ingest',
      backend,
      figure: 'server peak RSS during ingest',
      unit: 'MiB',
      value: peakRss,
      target: { value: 500, better: 'lower' },
    });
  } finally {
    http.close();
    await writer.close();
  }
}

async function mlflowLogBatchExists(http: HttpClient): Promise<boolean> {
  const probe = await http.send('POST', mlflow.path(''), '{}');
  return !(probe.status === 404 && probe.body.includes('ENDPOINT_NOT_FOUND'));
}

/**
 * The storage limit: the same shape of rows, batch size and transaction-per-batch, written by the benchmark itself
 * into fresh runs of the same database while the server sits idle.
 */
async function rawInsertRate(
  writer: DirectWriter,
  database: BenchDatabase,
  newRun: () => Promise<string>,
  connections: number,
  batchSize: number,
  batches: number,
): Promise<number> {
  const writers = [writer];
  for (let i = 1; i < connections; i++) writers.push(await openDirectWriter(database));
  try {
    const perWriter = Math.ceil(batches / connections);
    const runIds = await Promise.all(
      Array.from({ length: connections }, async () => {
        const ids: string[] = [];
        for (let r = 0; r < Math.ceil((perWriter + 1) / BATCHES_PER_RUN); r++) ids.push(await newRun());
        return ids;
      }),
    );
    const batch = (w: number, i: number) => {
      const columns = batchColumns(batchSize, i % BATCHES_PER_RUN);
      const runId = runIds[w]![Math.floor(i / BATCHES_PER_RUN)]!;
      return {
        table: 'metrics',
        columns: [
          { name: 'run_id', type: 'text' as const, values: columns.keys.map(() => runId) },
          { name: 'key', type: 'text' as const, values: columns.keys },
          { name: 'step', type: 'bigint' as const, values: columns.steps },
          { name: 'timestamp', type: 'bigint' as const, values: columns.timestamps },
          { name: 'value', type: 'float8' as const, values: columns.values },
          { name: 'is_nan', type: 'int' as const, values: columns.keys.map(() => 0) },
        ],
      };
    };
    // Batches are built inside the timed loop, as the server builds its rows from each request.
    const load = await runConcurrentClients({
      clients: connections,
      warmup: 1,
      requestsPerClient: perWriter,
      send: (w, i) => writers[w]!.insert(batch(w, i)),
    });
    return (load.requests * batchSize) / load.seconds;
  } finally {
    for (const extra of writers.slice(1)) await extra.close();
  }
}

async function countPoints(writer: DirectWriter, runIds: string[]): Promise<number> {
  let total = 0;
  for (const runId of runIds)
    total += await writer.count('select coalesce(sum(count), 0) as n from metric_chunks where run_id = ?', [runId]);
  return total;
}

const scenario: Scenario = { name: 'ingest', order: 1, run };
export default scenario;
