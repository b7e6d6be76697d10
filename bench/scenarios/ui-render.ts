import { existsSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { CHROMIUM, launchBrowser } from '../../test/e2e/support/browser.js';
import { ensureUiBuilt } from '../../test/e2e/support/build-ui.js';
import { type BackendName, createDatabase } from '../lib/databases.js';
import { openDirectWriter } from '../lib/direct-writer.js';
import { HttpClient } from '../lib/http-client.js';
import { loadRuns } from '../lib/run-fixtures.js';
import type { BenchContext, Scenario } from '../lib/scenario.js';
import { startServerProcess } from '../lib/server-process.js';
import { percentile } from '../lib/stats.js';

const RUNS = 10_000;
const POINTS = 1_000_000;
const EPOCH = 1_700_000_000_000;
const COLUMNS = ['params.p0', 'params.p1', 'params.p2', 'metrics.m0', 'metrics.m1', 'tags.t1', 'attributes.start_time'];

/**
 * The web UI in real Chromium against a server process: how soon a 10,000-run table shows its first rows and all of
 * them, how smoothly it scrolls (frame times while scrolling end to end), and how long a 1,000,000-point metric
 * takes to fetch (downsampled to the chart's width) and draw.
 */
async function run(context: BenchContext): Promise<void> {
  // Without a browser there is nothing to measure; the other scenarios' figures are still worth having.
  if (!existsSync(CHROMIUM)) {
    context.note(`ui-render skipped: no Chromium at ${CHROMIUM} (set MNEMO_CHROMIUM to its path)`);
    return;
  }
  const runs = context.quick ? 2_000 : RUNS;
  const points = context.quick ? 200_000 : POINTS;
  // What is measured here is mostly the browser's work; quick mode renders against the first backend only.
  const backends = context.quick ? context.backends.slice(0, 1) : context.backends;
  context.note(
    `ui-render: ${runs.toLocaleString('en-US')} runs (20 params, 10 metrics, 5 tags each) loaded ` +
      `straight into the database and one metric of ${points.toLocaleString('en-US')} points logged through the native ` +
      `batch endpoint; Chromium 1440×900, cold page ` +
      `loads (a new page per backend in one browser)${context.quick ? `; quick mode: ${backends[0]} only` : ''}.`,
  );
  await ensureUiBuilt();
  const browser = await launchBrowser();
  try {
    for (const backend of backends) await renderOn(context, browser, backend, runs, points);
  } finally {
    await browser.close();
  }
}

async function renderOn(
  context: BenchContext,
  browser: Browser,
  backend: BackendName,
  runs: number,
  points: number,
): Promise<void> {
  const database = await createDatabase(backend);
  const server = await startServerProcess(database.uri);
  let page: Page | undefined;
  try {
    const http = new HttpClient(server.url, 1);
    const { experiment } = await http.json<{ experiment: { experimentId: string } }>(
      'POST',
      '/api/v1/experiments',
      { name: 'ui-render' },
      201,
    );
    const experimentId = experiment.experimentId;
    const { run: long } = await http.json<{ run: { runId: string } }>(
      'POST',
      '/api/v1/runs',
      { experimentId, runName: 'long-training', startTime: EPOCH },
      201,
    );
    const writer = await openDirectWriter(database);
    try {
      await loadRuns(writer, experimentId, runs);
    } finally {
      await writer.close();
    }
    await loadLongMetric(http, long.runId, points);

    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    const table = await measureTable(
      page,
      `${server.url}/experiments/${experimentId}?cols=${COLUMNS.join(',')}`,
      runs + 1,
    );
    const label = `${(runs / 1000).toFixed(0)}k runs`;
    context.record({
      scenario: 'ui render',
      backend,
      figure: `${label}: first rows visible`,
      unit: 'ms',
      value: table.firstRows,
      target: { value: 1000, better: 'lower' },
    });
    context.record({
      scenario: 'ui render',
      backend,
      figure: `${label}: all runs loaded`,
      unit: 'ms',
      value: table.allRows,
    });
    context.record({
      scenario: 'ui render',
      backend,
      figure: `${label}: scroll frame time p95`,
      unit: 'ms',
      value: table.frameP95,
      target: { value: 50, better: 'lower' },
    });
    context.record({
      scenario: 'ui render',
      backend,
      figure: `${label}: table rows in the DOM`,
      unit: 'rows',
      value: table.domRows,
    });

    const chart = await measureChart(page, `${server.url}/experiments/${experimentId}/runs/${long.runId}?tab=charts`);
    const million = `${(points / 1e6).toFixed(1)}M-point metric`;
    context.record({
      scenario: 'ui render',
      backend,
      figure: `${million}: fetch + draw`,
      unit: 'ms',
      value: chart.totalMs,
      target: { value: 1000, better: 'lower' },
    });
    context.record({
      scenario: 'ui render',
      backend,
      figure: `${million}: draw only`,
      unit: 'ms',
      value: chart.renderMs,
    });
  } finally {
    await page?.close();
    await server.stop();
    await database.drop();
  }
}

async function measureTable(page: Page, url: string, total: number) {
  const started = Date.now();
  await page.goto(url);
  await page.locator('tr[data-run-id]').first().waitFor({ timeout: 120_000 });
  const firstRows = Date.now() - started;
  const expected = `${total.toLocaleString('en-US')} runs`;
  await page.getByTestId('run-total').getByText(expected, { exact: true }).waitFor({ timeout: 300_000 });
  const allRows = Date.now() - started;
  // Page-side code is a string (this project's Node typings have no DOM): scroll top to bottom in 60 steps, one
  // per animation frame, recording how long each frame took.
  const frames = (await page.evaluate(`(async () => {
    const grid = document.querySelector('[data-testid="runs-grid"]');
    const times = [];
    let last = performance.now();
    for (let i = 1; i <= 60; i++) {
      grid.scrollTop = (grid.scrollHeight * i) / 60;
      await new Promise((resolve) => requestAnimationFrame(resolve));
      const now = performance.now();
      times.push(now - last);
      last = now;
    }
    return times;
  })()`)) as number[];
  const domRows = await page.locator('tr[data-run-id]').count();
  return { firstRows, allRows, frameP95: percentile(frames, 95), domRows };
}

async function measureChart(page: Page, url: string) {
  await page.goto(url);
  const canvas = page.locator('[data-testid="metric-chart"] .chart-canvas[data-total-ms]').first();
  await canvas.waitFor({ timeout: 300_000 });
  return {
    totalMs: Number(await canvas.getAttribute('data-total-ms')),
    renderMs: Number(await canvas.getAttribute('data-render-ms')),
  };
}

/**
 * Logs the long history through the native batch endpoint, 10,000 points a request, as a training job would: the
 * chart then reads what the server keeps at ingest (its per-block summaries), not raw rows it never saw.
 */
async function loadLongMetric(http: HttpClient, runId: string, points: number): Promise<void> {
  const chunk = 10_000;
  for (let start = 0; start < points; start += chunk) {
    const metrics = Array.from({ length: Math.min(chunk, points - start) }, (_, i) => {
      const step = start + i;
      return {
        key: 'loss',
        value: Math.exp(-step / 200_000) + Math.sin(step / 500) * 0.05,
        step,
        timestamp: EPOCH + step * 100,
      };
    });
    await http.json('POST', `/api/v1/runs/${runId}/batch`, { metrics });
  }
}

const scenario: Scenario = { name: 'ui-render', order: 9, run };
export default scenario;
