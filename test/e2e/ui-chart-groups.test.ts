import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatNumber } from '../../web/src/lib/format.js';
import { backends } from '../support/backends.js';
import { given } from '../support/builders.js';
import { useTestServer } from '../support/test-server.js';
import { launchBrowser, screenshot, watchErrors } from './support/browser.js';
import { ensureUiBuilt } from './support/build-ui.js';

const T0 = Date.UTC(2026, 2, 1, 8, 0, 0);

/**
 * Five runs of a sweep: three at lr=0.1 and two at lr=0.01. One of the latter skips step 2 and stops after step 3,
 * so the lr=0.01 group has a step where a run must be interpolated and one where only one of its runs has a value.
 */
const RUNS: { name: string; lr: string; loss: Record<number, number> }[] = [
  { name: 'fast-a', lr: '0.1', loss: { 0: 0.9, 1: 0.7, 2: 0.5, 3: 0.4, 4: 0.3 } },
  { name: 'fast-b', lr: '0.1', loss: { 0: 0.8, 1: 0.6, 2: 0.45, 3: 0.35, 4: 0.25 } },
  { name: 'fast-c', lr: '0.1', loss: { 0: 1.0, 1: 0.8, 2: 0.55, 3: 0.45, 4: 0.35 } },
  { name: 'slow-a', lr: '0.01', loss: { 0: 1.2, 1: 1.1, 3: 0.9 } },
  { name: 'slow-b', lr: '0.01', loss: { 0: 1.4, 1: 1.2, 2: 1.1, 3: 0.8, 4: 0.7 } },
];

/** What the legend should read for values at one step: `mean [min, max]`, with `k of n` when runs are missing. */
function expectedReadout(values: number[], groupSize: number): string {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const spread = `${formatNumber(mean)} [${formatNumber(Math.min(...values))}, ${formatNumber(Math.max(...values))}]`;
  return values.length < groupSize ? `${spread} · ${values.length} of ${groupSize}` : spread;
}

interface LegendRow {
  label: string;
  value: string;
}

/** The legend rows a reader sees (uPlot's first row is the x value), label and value at the cursor. */
async function legend(chart: Locator): Promise<{ x: string; rows: LegendRow[] }> {
  const rows = await chart.locator('.u-legend .u-series').evaluateAll((elements) =>
    elements.map((e) => ({
      label: e.querySelector('.u-label')?.textContent ?? '',
      value: e.querySelector('.u-value')?.textContent ?? '',
      visible: (e as unknown as { style: { display: string } }).style.display !== 'none',
    })),
  );
  return {
    x: rows[0]?.value ?? '',
    rows: rows
      .slice(1)
      .filter((r) => r.visible)
      .map(({ label, value }) => ({ label, value })),
  };
}

describe.each(backends)('metric charts grouped by a param in Chromium on $name', (backend) => {
  const api = useTestServer(backend);
  let browser: Browser;
  let page: Page;
  let errors: string[];
  let experimentId: string;
  const runIds: string[] = [];
  const lossChart = () => page.locator('[data-testid="metric-chart"][data-metric="loss"]');

  /** Moves the mouse over `step` on the loss chart, from the x range it last drew (its data attributes). */
  async function hoverStep(step: number): Promise<void> {
    const canvas = lossChart().locator('.chart-canvas');
    const { xMin, xMax } = await canvas.evaluate((e) => {
      const data = (e as unknown as { dataset: Record<string, string> }).dataset;
      return { xMin: Number(data.xMin), xMax: Number(data.xMax) };
    });
    const box = (await lossChart().locator('.u-over').boundingBox())!;
    const x = box.x + ((step - xMin) / (xMax - xMin)) * box.width;
    await page.mouse.move(Math.round(Math.min(Math.max(x, box.x + 1), box.x + box.width - 1)), box.y + box.height / 2);
  }

  beforeAll(async () => {
    await ensureUiBuilt();
    const experiment = await given(api).experiment('lr-sweep');
    experimentId = experiment.experimentId;
    for (const [i, spec] of RUNS.entries()) {
      const startTime = T0 + i * 60_000;
      const run = await experiment.run({ runName: spec.name, startTime });
      await run.log({
        params: { lr: spec.lr, seed: String(i) },
        metrics: Object.entries(spec.loss).map(([step, value]) => ({
          key: 'loss',
          value,
          step: Number(step),
          timestamp: startTime + Number(step) * 1000,
        })),
      });
      await run.finish('FINISHED', startTime + 10_000);
      runIds.push(run.runId);
    }
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1280, height: 860 }, colorScheme: 'light' });
    errors = watchErrors(page);
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
  });

  it('draws one line per lr with its run count, and reads mean, min and max at the cursor', async () => {
    await page.goto(`${api.url}/experiments/${experimentId}`);
    await page.getByTestId('charts-tab').click();
    await page.waitForURL(/\/charts$/);
    await lossChart().locator('.u-legend').waitFor();
    // Ungrouped: a line per run.
    expect((await legend(lossChart())).rows.map((r) => r.label).sort()).toEqual(RUNS.map((r) => r.name).sort());

    await page.getByTestId('chart-group-by').selectOption('lr');
    await page.waitForURL(/chartGroup=lr/);
    await expect.poll(() => lossChart().locator('.chart-canvas').getAttribute('data-grouped-by')).toBe('lr');
    expect((await legend(lossChart())).rows.map((r) => r.label)).toEqual(['lr=0.01 · 2 runs', 'lr=0.1 · 3 runs']);

    const valuesAt = (lr: string, step: number) =>
      RUNS.filter((r) => r.lr === lr)
        .map((r) => r.loss[step])
        .filter((v) => v !== undefined);
    // Step 2: slow-a logged steps 1 and 3 only, so it counts with the value on the line between them.
    await hoverStep(2);
    await expect.poll(async () => (await legend(lossChart())).x).toBe('2');
    expect((await legend(lossChart())).rows).toEqual([
      { label: 'lr=0.01 · 2 runs', value: expectedReadout([(1.1 + 0.9) / 2, 1.1], 2) },
      { label: 'lr=0.1 · 3 runs', value: expectedReadout(valuesAt('0.1', 2), 3) },
    ]);
    // Step 4: slow-a had stopped; the lr=0.01 line is slow-b alone, and says so.
    await hoverStep(4);
    await expect.poll(async () => (await legend(lossChart())).x).toBe('4');
    const atFour = (await legend(lossChart())).rows;
    expect(atFour).toEqual([
      { label: 'lr=0.01 · 2 runs', value: expectedReadout(valuesAt('0.01', 4), 2) },
      { label: 'lr=0.1 · 3 runs', value: expectedReadout(valuesAt('0.1', 4), 3) },
    ]);
    expect(atFour[0]!.value).toBe('0.7 [0.7, 0.7] · 1 of 2');
    await hoverStep(1);
    await expect.poll(async () => (await legend(lossChart())).x).toBe('1');
    await screenshot(page, `${backend.name}-chart-groups`);

    // The grouping is in the URL: a reload keeps it, and Back returns to the runs one by one.
    await page.reload();
    await expect.poll(() => lossChart().locator('.chart-canvas').getAttribute('data-grouped-by')).toBe('lr');
    expect(await page.getByTestId('chart-group-by').inputValue()).toBe('lr');
    await page.goBack();
    await expect.poll(() => page.url()).not.toContain('chartGroup');
    await expect.poll(() => lossChart().locator('.chart-canvas').getAttribute('data-grouped-by')).toBeNull();
    await expect.poll(async () => (await legend(lossChart())).rows.length).toBe(RUNS.length);
    expect(errors).toEqual([]);
  });

  it('groups the compare page’s charts the same way', async () => {
    await page.goto(`${api.url}/compare?runs=${runIds.join(',')}&chartGroup=lr`);
    await expect.poll(() => lossChart().locator('.chart-canvas').getAttribute('data-grouped-by')).toBe('lr');
    expect((await legend(lossChart())).rows.map((r) => r.label)).toEqual(['lr=0.01 · 2 runs', 'lr=0.1 · 3 runs']);
    await page.getByTestId('chart-group-by').selectOption('seed');
    await expect
      .poll(async () => (await legend(lossChart())).rows.map((r) => r.label))
      .toEqual(['seed=0 · 1 run', 'seed=1 · 1 run', 'seed=2 · 1 run', 'seed=3 · 1 run', 'seed=4 · 1 run']);
    expect(errors).toEqual([]);
  });
});
