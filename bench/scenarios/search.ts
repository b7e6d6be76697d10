import { type BackendName, createDatabase } from '../lib/databases.js';
import { openDirectWriter } from '../lib/direct-writer.js';
import { HttpClient } from '../lib/http-client.js';
import {
  loadRuns,
  METRICS_PER_RUN,
  PARAMS_PER_RUN,
  paramValueCount,
  random,
  TAGS_PER_RUN,
} from '../lib/run-fixtures.js';
import type { BenchContext, Scenario } from '../lib/scenario.js';
import { startServerProcess } from '../lib/server-process.js';
import { percentile, timeIterations } from '../lib/stats.js';

const WARMUP = 5;
const PAGE = 100;
/** The filtered query's param: 10 distinct values, so an equality keeps a tenth of the runs. */
const PARAM = 'p5';
/** The param runs are sorted by in the third query: 8 distinct values, so each value ties thousands of runs. */
const SORT_PARAM = 'p3';

interface SearchReply {
  runs: {
    runId: string;
    startTime: number;
    params: Record<string, string>;
    metrics: { key: string; value: number }[];
  }[];
}

async function run(context: BenchContext): Promise<void> {
  // Quick mode keeps the size with a target and skips the large load.
  const sizes = context.quick ? [2_000] : [2_000, 100_000];
  const iterations = context.quick ? 20 : 100;
  context.note(
    `search: runs × ${PARAMS_PER_RUN} params × ${METRICS_PER_RUN} metrics × ${TAGS_PER_RUN} tags loaded straight into ` +
      `the database; ${iterations} timed requests after ${WARMUP} untimed warm-up requests, each with different ` +
      `filter values. Filtered query: "metrics.m0 > t and params.${PARAM} = 'vK'" ordered by "metrics.m1 DESC", ` +
      `${PAGE} results; then the first page sorted by "params.${SORT_PARAM} ASC". PostgreSQL tables are ANALYZEd after ` +
      'loading, as autovacuum would.',
  );
  for (const backend of context.backends) {
    for (const size of sizes) await searchAt(context, backend, size, iterations);
  }
}

async function searchAt(context: BenchContext, backend: BackendName, size: number, iterations: number): Promise<void> {
  const database = await createDatabase(backend);
  const server = await startServerProcess(database.uri);
  const http = new HttpClient(server.url, 1);
  try {
    const { experiment } = await http.json<{ experiment: { experimentId: string } }>(
      'POST',
      '/api/v1/experiments',
      { name: 'search' },
      201,
    );
    const experimentId = experiment.experimentId;
    const writer = await openDirectWriter(database);
    const loadStarted = Date.now();
    await loadRuns(writer, experimentId, size);
    if (backend === 'postgres') await writer.query('analyze');
    await writer.close();
    context.log(`loaded ${size.toLocaleString('en-US')} runs in ${((Date.now() - loadStarted) / 1000).toFixed(1)} s`);

    const next = random(7);
    const filtered = await timeIterations(WARMUP, iterations, async () => {
      const threshold = 0.1 + Math.floor(next() * 5) / 10;
      const value = `v${Math.floor(next() * paramValueCount(5))}`;
      const reply = await http.json<SearchReply>('POST', '/api/v1/runs/search', {
        experimentIds: [experimentId],
        filter: `metrics.m0 > ${threshold} and params.${PARAM} = '${value}'`,
        orderBy: ['metrics.m1 DESC'],
        maxResults: PAGE,
      });
      checkFiltered(reply, threshold, value, size);
    });
    const unfiltered = await timeIterations(WARMUP, iterations, async () => {
      const reply = await http.json<SearchReply>('POST', '/api/v1/runs/search', {
        experimentIds: [experimentId],
        maxResults: PAGE,
      });
      if (reply.runs.length !== PAGE) throw new Error(`first page held ${reply.runs.length} runs`);
    });
    const byParam = await timeIterations(WARMUP, iterations, async () => {
      const reply = await http.json<SearchReply>('POST', '/api/v1/runs/search', {
        experimentIds: [experimentId],
        orderBy: [`params.${SORT_PARAM} ASC`],
        maxResults: PAGE,
      });
      checkSortedByParam(reply);
    });
    const runs = `${size.toLocaleString('en-US')} runs`;
    const target = size <= 2_000 ? 10 : size >= 100_000 ? 50 : undefined;
    // Sorting by a param has no target of its own: it is measured so a slow plan for it shows.
    for (const [label, samples, targeted] of [
      ['metric filter + param = + order by metric', filtered, true],
      ['first page, no filter', unfiltered, true],
      ['first page by param', byParam, false],
    ] as const) {
      context.record({
        scenario: 'search',
        backend,
        figure: `${label}, ${runs}, p50`,
        unit: 'ms',
        value: percentile(samples, 50),
        ...(target === undefined || !targeted ? {} : { target: { value: target, better: 'lower' as const } }),
      });
      context.record({
        scenario: 'search',
        backend,
        figure: `${label}, ${runs}, p95`,
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

/** A wrong fast path must not pass for a fast one: every answer is checked against the query it answers. */
function checkFiltered(reply: SearchReply, threshold: number, value: string, size: number): void {
  // Each run qualifies with probability (1 - threshold) / 10; far more than a page of them do at these sizes.
  if (reply.runs.length !== PAGE && size >= 10_000) throw new Error(`filtered search returned ${reply.runs.length}`);
  let previous = Number.POSITIVE_INFINITY;
  for (const run of reply.runs) {
    const metric = (key: string) => run.metrics.find((m) => m.key === key)?.value ?? Number.NaN;
    if (!(metric('m0') > threshold) || run.params[PARAM] !== value) throw new Error('search returned a non-match');
    if (metric('m1') > previous) throw new Error('search results are not ordered by metrics.m1 DESC');
    previous = metric('m1');
  }
}

/** Sorted by the param's value, as text; the runs sharing one are newest first. */
function checkSortedByParam(reply: SearchReply): void {
  if (reply.runs.length !== PAGE) throw new Error(`sorted search returned ${reply.runs.length} runs`);
  for (let i = 1; i < reply.runs.length; i++) {
    const [before, after] = [reply.runs[i - 1]!, reply.runs[i]!];
    const [a, b] = [before.params[SORT_PARAM]!, after.params[SORT_PARAM]!];
    if (a > b || (a === b && before.startTime < after.startTime)) {
      throw new Error(`search results are not ordered by params.${SORT_PARAM} ASC, then newest first`);
    }
  }
}

const scenario: Scenario = { name: 'search', order: 2, run };
export default scenario;
