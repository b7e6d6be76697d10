import { randomBytes } from 'node:crypto';
import { type BackendName, createDatabase } from '../lib/databases.js';
import { openDirectWriter } from '../lib/direct-writer.js';
import { HttpClient } from '../lib/http-client.js';
import { runConcurrentClients } from '../lib/load.js';
import { batchColumns, wirePoints } from '../lib/metric-batches.js';
import { loadRuns } from '../lib/run-fixtures.js';
import type { BenchContext, Scenario } from '../lib/scenario.js';
import { startServerProcess } from '../lib/server-process.js';
import { elapsedMs, now, percentile } from '../lib/stats.js';

const CLIENTS = 4;
const POINTS_PER_REQUEST = 10_000;
const SEARCH_RUNS = 2_000;
/** The overhead authentication and the access check may add on the hot paths, in percent. */
const TARGET_OVERHEAD = 5;
/**
 * Ingest turns each server takes, alternating (which goes first swaps each turn). On a shared 2-core machine one
 * turn's ingest figure varies by ±10% with what else runs (the database's own background work included), more than
 * the overhead measured: each server's figure is the median of its turns.
 */
const TURNS = 8;

/**
 * What checking who calls costs where it matters: native metric ingest from 4 clients and a filtered run search,
 * on one server without authentication and one with it, called by an ordinary user (a token, then role lookups on
 * the run's experiment) — not the administrator, whose check is shorter. Both servers run side by side over the same
 * data. Ingest alternates turn by turn and searches request by request (which server goes first swaps each time), so
 * a burst of other work on the machine lands on both sides alike; each figure is a median.
 */
async function run(context: BenchContext): Promise<void> {
  const requests = context.quick ? 6 : 30;
  const iterations = context.quick ? 40 : 300;
  const turns = context.quick ? 4 : TURNS;
  context.note(
    `auth: ${CLIENTS} clients × ${requests} native batches of ${POINTS_PER_REQUEST.toLocaleString('en-US')} points ` +
      `(median of ${turns} alternating turns each), and ${iterations} filtered searches over ${SEARCH_RUNS.toLocaleString('en-US')} ` +
      'runs alternating between the servers, without and with --auth (an ordinary user with a token).',
  );
  for (const backend of context.backends) await compare(context, backend, turns, requests, iterations);
}

async function compare(
  context: BenchContext,
  backend: BackendName,
  turns: number,
  requests: number,
  iterations: number,
) {
  const servers = { off: await benchServer(backend, false), on: await benchServer(backend, true) };
  try {
    const rates = { off: [] as number[], on: [] as number[] };
    for (let turn = 0; turn < turns; turn++) {
      for (const mode of turn % 2 === 0 ? (['off', 'on'] as const) : (['on', 'off'] as const)) {
        rates[mode].push(await servers[mode].ingest(requests, turn));
      }
    }
    const ingest = { off: percentile(rates.off, 50), on: percentile(rates.on, 50) };
    for (const server of Object.values(servers)) await server.loadSearchRuns();
    const samples = { off: [] as number[], on: [] as number[] };
    for (let i = 0; i < 10; i++) for (const server of Object.values(servers)) await server.search();
    for (let i = 0; i < iterations; i++) {
      for (const mode of i % 2 === 0 ? (['off', 'on'] as const) : (['on', 'off'] as const)) {
        const started = now();
        await servers[mode].search();
        samples[mode].push(elapsedMs(started));
      }
    }
    const search = { off: percentile(samples.off, 50), on: percentile(samples.on, 50) };
    record(context, backend, ingest, search);
  } finally {
    for (const server of Object.values(servers)) await server.close();
  }
}

function record(
  context: BenchContext,
  backend: BackendName,
  ingest: { off: number; on: number },
  search: { off: number; on: number },
) {
  context.record({
    scenario: 'auth',
    backend,
    figure: `native ingest with auth, ${CLIENTS} clients`,
    unit: 'points/s',
    value: ingest.on,
    reference: { figure: 'without auth', value: ingest.off, unit: 'points/s', ratio: ingest.on / ingest.off },
  });
  context.record({
    scenario: 'auth',
    backend,
    figure: 'ingest overhead of auth',
    unit: '%',
    value: (1 - ingest.on / ingest.off) * 100,
    target: { value: TARGET_OVERHEAD, better: 'lower' },
  });
  context.record({
    scenario: 'auth',
    backend,
    figure: `filtered search p50 with auth (${SEARCH_RUNS.toLocaleString('en-US')} runs)`,
    unit: 'ms',
    value: search.on,
    reference: { figure: 'without auth', value: search.off, unit: 'ms', ratio: search.on / search.off },
  });
  context.record({
    scenario: 'auth',
    backend,
    figure: 'search overhead of auth',
    unit: '%',
    value: (search.on / search.off - 1) * 100,
    target: { value: TARGET_OVERHEAD, better: 'lower' },
  });
}

/** A server over a database of its own, with an experiment, a run per client and (when asked) the searched runs. */
async function benchServer(backend: BackendName, auth: boolean) {
  const database = await createDatabase(backend);
  const adminToken = `mnemo_${randomBytes(32).toString('base64url')}`;
  const server = await startServerProcess(
    database.uri,
    auth ? { args: ['--auth'], env: { MNEMO_ADMIN_TOKEN: adminToken } } : {},
  );
  let headers: Record<string, string> = {};
  if (auth) {
    const admin = new HttpClient(server.url, 1, { authorization: `Bearer ${adminToken}` });
    await admin.json('POST', '/api/v1/users', { name: 'bench' });
    const { token } = await admin.json<{ token: string }>('POST', '/api/v1/tokens', { user: 'bench' });
    admin.close();
    headers = { authorization: `Bearer ${token}` };
  }
  const http = new HttpClient(server.url, CLIENTS, headers);
  const { experiment } = await http.json<{ experiment: { experimentId: string } }>(
    'POST',
    '/api/v1/experiments',
    { name: 'auth-bench' },
    201,
  );
  const experimentId = experiment.experimentId;
  const runs: string[] = [];
  for (let c = 0; c < CLIENTS; c++) {
    const { run } = await http.json<{ run: { runId: string } }>('POST', '/api/v1/runs', { experimentId }, 201);
    runs.push(run.runId);
  }
  return {
    /** Points per second over one turn of batches; each turn logs steps of its own. */
    async ingest(requests: number, turn: number): Promise<number> {
      const bodies = Array.from({ length: requests + 1 }, (_, i) =>
        Buffer.from(
          JSON.stringify({ metrics: wirePoints(batchColumns(POINTS_PER_REQUEST, turn * (requests + 1) + i)) }),
        ),
      );
      const load = await runConcurrentClients({
        clients: CLIENTS,
        warmup: 1,
        requestsPerClient: requests,
        send: async (client, i) => {
          const response = await http.send('POST', `/api/v1/runs/${runs[client]}/batch`, bodies[i]);
          if (response.status !== 200) {
            throw new Error(`batch answered ${response.status}: ${response.body.slice(0, 200)}`);
          }
        },
      });
      return (load.requests * POINTS_PER_REQUEST) / load.seconds;
    },
    async loadSearchRuns(): Promise<void> {
      const writer = await openDirectWriter(database);
      await loadRuns(writer, experimentId, SEARCH_RUNS);
      if (backend === 'postgres') await writer.query('analyze');
      await writer.close();
    },
    async search(): Promise<void> {
      const reply = await http.json<{ runs: unknown[] }>('POST', '/api/v1/runs/search', {
        experimentIds: [experimentId],
        filter: "metrics.m0 > 0.3 and params.p5 = 'v3'",
        orderBy: ['metrics.m1 DESC'],
        maxResults: 100,
      });
      if (reply.runs.length === 0) throw new Error('the search found nothing');
    },
    async close(): Promise<void> {
      http.close();
      await server.stop();
      await database.drop();
    },
  };
}

const scenario: Scenario = { name: 'auth', order: 15, run };
export default scenario;
