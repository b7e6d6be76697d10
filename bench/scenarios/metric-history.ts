import { type BackendName, createDatabase } from '../lib/databases.js';
import { openDirectWriter } from '../lib/direct-writer.js';
import { HttpClient } from '../lib/http-client.js';
import type { BenchContext, Scenario } from '../lib/scenario.js';
import { startServerProcess } from '../lib/server-process.js';
import { elapsedMs, now, percentile, timeIterations } from '../lib/stats.js';

const POINTS = 1_000_000;
const SAMPLED = 1_000;
const PAGE = 25_000;
const KEY = 'train/loss';
const EPOCH = 1_700_000_000_000;
/** One spike and one dip that any honest min/max downsampling must return. */
const SPIKE_STEP = 654_321;
const DIP_STEP = 123_457;
const WARMUP = 3;

interface HistoryReply {
  metrics: { key: string; value: number | string; step: number; timestamp: number }[];
  nextPageToken?: string;
  totalPoints?: number;
}

async function run(context: BenchContext): Promise<void> {
  const iterations = context.quick ? 10 : 30;
  const passes = context.quick ? 1 : 3;
  context.note(
    `metric history: one metric of ${POINTS.toLocaleString('en-US')} points loaded straight into the database; ` +
      `downsampled to ${SAMPLED} points ${iterations} times after ${WARMUP} untimed requests; paged in pages of ` +
      `${PAGE.toLocaleString('en-US')} end to end, ${passes} timed pass(es) after one untimed pass (median reported).`,
  );
  for (const backend of context.backends) await historyOn(context, backend, iterations, passes);
}

async function historyOn(context: BenchContext, backend: BackendName, iterations: number, passes: number) {
  const database = await createDatabase(backend);
  const server = await startServerProcess(database.uri);
  const http = new HttpClient(server.url, 1);
  try {
    const { experiment } = await http.json<{ experiment: { experimentId: string } }>(
      'POST',
      '/api/v1/experiments',
      { name: 'history' },
      201,
    );
    const { run: created } = await http.json<{ run: { runId: string } }>(
      'POST',
      '/api/v1/runs',
      { experimentId: experiment.experimentId },
      201,
    );
    const runId = created.runId;
    await loadHistory(database, runId);

    const path = (query: Record<string, string>) =>
      `/api/v1/runs/${runId}/metric-history?${new URLSearchParams({ key: KEY, ...query })}`;
    const sampled = await timeIterations(WARMUP, iterations, async () => {
      const reply = await http.json<HistoryReply>('GET', path({ points: String(SAMPLED) }));
      checkSampled(reply);
    });
    context.record({
      scenario: 'metric history',
      backend,
      figure: `1M points → ${SAMPLED} downsampled, p50`,
      unit: 'ms',
      value: percentile(sampled, 50),
      target: { value: 100, better: 'lower' },
    });
    context.record({
      scenario: 'metric history',
      backend,
      figure: `1M points → ${SAMPLED} downsampled, p95`,
      unit: 'ms',
      value: percentile(sampled, 95),
    });

    const rates: number[] = [];
    for (let pass = 0; pass <= passes; pass++) {
      const started = now();
      let received = 0;
      let previousStep = -1;
      let pageToken: string | undefined;
      do {
        const reply = await http.json<HistoryReply>(
          'GET',
          path({ maxResults: String(PAGE), ...(pageToken ? { pageToken } : {}) }),
        );
        for (const point of reply.metrics) {
          if (point.step <= previousStep) throw new Error('history pages are out of order or overlap');
          previousStep = point.step;
        }
        received += reply.metrics.length;
        pageToken = reply.nextPageToken;
      } while (pageToken);
      if (received !== POINTS) throw new Error(`paging returned ${received} of ${POINTS} points`);
      // Pass 0 warms caches and the JIT and is not counted.
      if (pass > 0) rates.push(POINTS / (elapsedMs(started) / 1000));
    }
    context.record({
      scenario: 'metric history',
      backend,
      figure: `1M points paged (${PAGE.toLocaleString('en-US')}/page)`,
      unit: 'points/s',
      value: percentile(rates, 50),
    });
  } finally {
    http.close();
    await server.stop();
    await database.drop();
  }
}

async function loadHistory(database: Parameters<typeof openDirectWriter>[0], runId: string): Promise<void> {
  const writer = await openDirectWriter(database);
  try {
    const chunk = 50_000;
    for (let start = 0; start < POINTS; start += chunk) {
      const steps = Array.from({ length: chunk }, (_, i) => start + i);
      const values = steps.map((s) =>
        s === SPIKE_STEP ? 1e6 : s === DIP_STEP ? -1e6 : Math.exp(-s / 200_000) + Math.sin(s / 500) * 0.05,
      );
      await writer.insert({
        table: 'metrics',
        columns: [
          { name: 'run_id', type: 'text', values: steps.map(() => runId) },
          { name: 'key', type: 'text', values: steps.map(() => KEY) },
          { name: 'step', type: 'bigint', values: steps },
          { name: 'timestamp', type: 'bigint', values: steps.map((s) => EPOCH + s * 100) },
          { name: 'value', type: 'float8', values },
          { name: 'is_nan', type: 'int', values: steps.map(() => 0) },
        ],
      });
    }
    await writer.insert({
      table: 'latest_metrics',
      columns: [
        { name: 'run_id', type: 'text', values: [runId] },
        { name: 'key', type: 'text', values: [KEY] },
        { name: 'step', type: 'bigint', values: [POINTS - 1] },
        { name: 'timestamp', type: 'bigint', values: [EPOCH + (POINTS - 1) * 100] },
        { name: 'value', type: 'float8', values: [Math.exp(-(POINTS - 1) / 200_000)] },
        { name: 'is_nan', type: 'int', values: [0] },
      ],
    });
    if (database.backend === 'postgres') await writer.query('analyze');
  } finally {
    await writer.close();
  }
}

function checkSampled(reply: HistoryReply): void {
  if (reply.totalPoints !== POINTS) throw new Error(`totalPoints ${reply.totalPoints}, expected ${POINTS}`);
  if (reply.metrics.length > SAMPLED || reply.metrics.length < SAMPLED / 2) {
    throw new Error(`downsampled series has ${reply.metrics.length} points`);
  }
  const steps = new Set(reply.metrics.map((m) => m.step));
  if (!steps.has(SPIKE_STEP) || !steps.has(DIP_STEP) || !steps.has(0) || !steps.has(POINTS - 1)) {
    throw new Error('downsampled series lost the spike, the dip or an end point');
  }
}

const scenario: Scenario = { name: 'metric-history', order: 3, run };
export default scenario;
