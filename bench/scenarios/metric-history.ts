import { type BackendName, createDatabase } from '../lib/databases.js';
import { openDirectWriter } from '../lib/direct-writer.js';
import { HttpClient } from '../lib/http-client.js';
import type { BenchContext, Scenario } from '../lib/scenario.js';
import { startServerProcess } from '../lib/server-process.js';
import { elapsedMs, now, percentile, timeIterations } from '../lib/stats.js';

const SAMPLED = 1_000;
const PAGE = 25_000;
const KEY = 'train/loss';
const EPOCH = 1_700_000_000_000;
/** One spike and one dip that any honest min/max downsampling must return (steps 654,321 and 123,457 of 1M). */
const spikeStep = (points: number) => Math.floor(points * 0.654321);
const dipStep = (points: number) => Math.floor(points * 0.123457);
const WARMUP = 3;

interface HistoryReply {
  metrics: { key: string; value: number | string; step: number; timestamp: number }[];
  nextPageToken?: string;
  totalPoints?: number;
}

async function run(context: BenchContext): Promise<void> {
  // Quick mode logs a tenth of the points: logging them over HTTP is most of the scenario's time.
  const points = context.quick ? 100_000 : 1_000_000;
  const iterations = context.quick ? 10 : 30;
  const passes = context.quick ? 1 : 3;
  context.note(
    `metric history: one metric of ${points.toLocaleString('en-US')} points logged through the native batch endpoint; ` +
      `downsampled to ${SAMPLED} points ${iterations} times after ${WARMUP} untimed requests; paged in pages of ` +
      `${PAGE.toLocaleString('en-US')} end to end, ${passes} timed pass(es) after one untimed pass (median reported).`,
  );
  for (const backend of context.backends) await historyOn(context, backend, points, iterations, passes);
}

async function historyOn(
  context: BenchContext,
  backend: BackendName,
  points: number,
  iterations: number,
  passes: number,
) {
  const size = `${(points / 1e6).toLocaleString('en-US')}M`;
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
    await loadHistory(http, runId, points);
    if (backend === 'postgres') await analyze(database);

    const path = (query: Record<string, string>) =>
      `/api/v1/runs/${runId}/metric-history?${new URLSearchParams({ key: KEY, ...query })}`;
    const sampled = await timeIterations(WARMUP, iterations, async () => {
      const reply = await http.json<HistoryReply>('GET', path({ points: String(SAMPLED) }));
      checkSampled(reply, points);
    });
    context.record({
      scenario: 'metric history',
      backend,
      figure: `${size} points → ${SAMPLED} downsampled, p50`,
      unit: 'ms',
      value: percentile(sampled, 50),
      target: { value: 100, better: 'lower' },
    });
    context.record({
      scenario: 'metric history',
      backend,
      figure: `${size} points → ${SAMPLED} downsampled, p95`,
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
      if (received !== points) throw new Error(`paging returned ${received} of ${points} points`);
      // Pass 0 warms caches and the JIT and is not counted.
      if (pass > 0) rates.push(points / (elapsedMs(started) / 1000));
    }
    context.record({
      scenario: 'metric history',
      backend,
      figure: `${size} points paged (${PAGE.toLocaleString('en-US')}/page)`,
      unit: 'points/s',
      value: percentile(rates, 50),
    });
  } finally {
    http.close();
    await server.stop();
    await database.drop();
  }
}

/**
 * Logs the history through the native batch endpoint, 10,000 points a request, as a client would: the server then
 * keeps whatever it keeps at ingest (such as per-block summaries), and the timed requests read what it made.
 */
async function loadHistory(http: HttpClient, runId: string, points: number): Promise<void> {
  const chunk = 10_000;
  const spike = spikeStep(points);
  const dip = dipStep(points);
  for (let start = 0; start < points; start += chunk) {
    const metrics = Array.from({ length: chunk }, (_, i) => {
      const step = start + i;
      const value =
        step === spike ? 1e6 : step === dip ? -1e6 : Math.exp(-step / 200_000) + Math.sin(step / 500) * 0.05;
      return { key: KEY, value, step, timestamp: EPOCH + step * 100 };
    });
    await http.json('POST', `/api/v1/runs/${runId}/batch`, { metrics });
  }
}

function checkSampled(reply: HistoryReply, points: number): void {
  if (reply.totalPoints !== points) throw new Error(`totalPoints ${reply.totalPoints}, expected ${points}`);
  if (reply.metrics.length > SAMPLED || reply.metrics.length < SAMPLED / 2) {
    throw new Error(`downsampled series has ${reply.metrics.length} points`);
  }
  const steps = new Set(reply.metrics.map((m) => m.step));
  if (!steps.has(spikeStep(points)) || !steps.has(dipStep(points)) || !steps.has(0) || !steps.has(points - 1)) {
    throw new Error('downsampled series lost the spike, the dip or an end point');
  }
}

/** Fresh statistics, as autovacuum would gather them soon after a bulk load. */
async function analyze(database: Parameters<typeof openDirectWriter>[0]): Promise<void> {
  const writer = await openDirectWriter(database);
  try {
    await writer.query('analyze');
  } finally {
    await writer.close();
  }
}

const scenario: Scenario = { name: 'metric-history', order: 3, run };
export default scenario;
