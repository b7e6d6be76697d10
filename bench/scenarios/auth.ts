import { randomBytes } from 'node:crypto';
import { type BackendName, createDatabase } from '../lib/databases.js';
import { openDirectWriter } from '../lib/direct-writer.js';
import { HttpClient } from '../lib/http-client.js';
import { runConcurrentClients } from '../lib/load.js';
import { batchColumns, wirePoints } from '../lib/metric-batches.js';
import { loadRuns } from '../lib/run-fixtures.js';
import type { BenchContext, Scenario } from '../lib/scenario.js';
import { startServerProcess } from '../lib/server-process.js';
import { percentile, timeIterations } from '../lib/stats.js';

const CLIENTS = 4;
const POINTS_PER_REQUEST = 10_000;
const SEARCH_RUNS = 2_000;
/** The overhead authentication and the access check may add on the hot paths, in percent. */
const TARGET_OVERHEAD = 5;
/**
 * Turns each server takes, alternating. On a shared 2-core machine one turn's ingest figure varies by ±10% with what
 * else runs (the database's own background work included), more than the overhead measured; other work only ever
 * slows a turn down, so the best of several turns is the figure closest to what each server can do.
 */
const TURNS = 4;

/**
 * What checking who calls costs where it matters: native metric ingest from 4 clients and a filtered run search,
 * on one server without authentication and one with it, called by an ordinary user (a token, then role lookups on
 * the run's experiment) — not the administrator, whose check is shorter. The two servers take turns and each keeps its
 * best figure, so a burst of other work on the machine does not land on one side only.
 */
async function run(context: BenchContext): Promise<void> {
  const requests = context.quick ? 6 : 30;
  const iterations = context.quick ? 20 : 100;
  const turns = context.quick ? 2 : TURNS;
  context.note(
    `auth: ${CLIENTS} clients × ${requests} native batches of ${POINTS_PER_REQUEST.toLocaleString('en-US')} points, and ` +
      `${iterations} filtered searches over ${SEARCH_RUNS.toLocaleString('en-US')} runs, without and with --auth ` +
      `(an ordinary user with a token); best of ${turns} turns each.`,
  );
  for (const backend of context.backends) await compare(context, backend, turns, requests, iterations);
}

interface Figures {
  ingest: number;
  searchP50: number;
}

async function compare(
  context: BenchContext,
  backend: BackendName,
  turns: number,
  requests: number,
  iterations: number,
) {
  const best: Record<'off' | 'on', Figures> = {
    off: { ingest: 0, searchP50: Number.POSITIVE_INFINITY },
    on: { ingest: 0, searchP50: Number.POSITIVE_INFINITY },
  };
  for (let turn = 0; turn < turns; turn++) {
    for (const mode of ['off', 'on'] as const) {
      const figures = await measure(backend, mode === 'on', requests, iterations);
      best[mode].ingest = Math.max(best[mode].ingest, figures.ingest);
      best[mode].searchP50 = Math.min(best[mode].searchP50, figures.searchP50);
    }
  }
  const ingestOverhead = (1 - best.on.ingest / best.off.ingest) * 100;
  const searchOverhead = (best.on.searchP50 / best.off.searchP50 - 1) * 100;
  context.record({
    scenario: 'auth',
    backend,
    figure: `native ingest with auth, ${CLIENTS} clients`,
    unit: 'points/s',
    value: best.on.ingest,
    reference: {
      figure: 'without auth',
      value: best.off.ingest,
      unit: 'points/s',
      ratio: best.on.ingest / best.off.ingest,
    },
  });
  context.record({
    scenario: 'auth',
    backend,
    figure: 'ingest overhead of auth',
    unit: '%',
    value: ingestOverhead,
    target: { value: TARGET_OVERHEAD, better: 'lower' },
  });
  context.record({
    scenario: 'auth',
    backend,
    figure: `filtered search p50 with auth (${SEARCH_RUNS.toLocaleString('en-US')} runs)`,
    unit: 'ms',
    value: best.on.searchP50,
    reference: {
      figure: 'without auth',
      value: best.off.searchP50,
      unit: 'ms',
      ratio: best.on.searchP50 / best.off.searchP50,
    },
  });
  context.record({
    scenario: 'auth',
    backend,
    figure: 'search overhead of auth',
    unit: '%',
    value: searchOverhead,
    target: { value: TARGET_OVERHEAD, better: 'lower' },
  });
}

async function measure(backend: BackendName, auth: boolean, requests: number, iterations: number): Promise<Figures> {
  const database = await createDatabase(backend);
  const adminToken = `mnemo_${randomBytes(32).toString('base64url')}`;
  const server = await startServerProcess(
    database.uri,
    auth ? { args: ['--auth'], env: { MNEMO_ADMIN_TOKEN: adminToken } } : {},
  );
  try {
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
    const bodies = Array.from({ length: requests + 1 }, (_, i) =>
      Buffer.from(JSON.stringify({ metrics: wirePoints(batchColumns(POINTS_PER_REQUEST, i)) })),
    );
    const load = await runConcurrentClients({
      clients: CLIENTS,
      warmup: 1,
      requestsPerClient: requests,
      send: async (client, i) => {
        const response = await http.send('POST', `/api/v1/runs/${runs[client]}/batch`, bodies[i]);
        if (response.status !== 200)
          throw new Error(`batch answered ${response.status}: ${response.body.slice(0, 200)}`);
      },
    });
    const ingest = (load.requests * POINTS_PER_REQUEST) / load.seconds;

    const writer = await openDirectWriter(database);
    await loadRuns(writer, experimentId, SEARCH_RUNS);
    if (backend === 'postgres') await writer.query('analyze');
    await writer.close();
    const samples = await timeIterations(5, iterations, async () => {
      const reply = await http.json<{ runs: unknown[] }>('POST', '/api/v1/runs/search', {
        experimentIds: [experimentId],
        filter: "metrics.m0 > 0.3 and params.p5 = 'v3'",
        orderBy: ['metrics.m1 DESC'],
        maxResults: 100,
      });
      if (reply.runs.length === 0) throw new Error('the search found nothing');
    });
    http.close();
    return { ingest, searchP50: percentile(samples, 50) };
  } finally {
    await server.stop();
    await database.drop();
  }
}

const scenario: Scenario = { name: 'auth', order: 15, run };
export default scenario;
