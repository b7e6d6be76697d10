import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replay } from '../lineage/replay.js';
import { backends } from '../support/backends.js';
import { useTestServer } from '../support/test-server.js';
import { launchBrowser, screenshot, watchErrors } from './support/browser.js';
import { ensureUiBuilt } from './support/build-ui.js';
import { type Seed, seedSweep } from './support/seed.js';

/** Text of every visible run name in the runs grid, top to bottom. */
async function gridRunNames(page: Page): Promise<string[]> {
  return page.locator('[data-testid="runs-grid"] tbody tr[data-run-id] .run-link').allInnerTexts();
}

/** The UI where real use found it fragile: odd links, odd values, odd runs; one server and browser for all cases. */
describe('web UI robustness in Chromium', () => {
  const api = useTestServer(backends[0]!);
  let browser: Browser;
  let page: Page;
  let errors: string[];
  let seed: Seed;

  beforeAll(async () => {
    await ensureUiBuilt();
    seed = await seedSweep(api);
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 }, colorScheme: 'light' });
    errors = watchErrors(page);
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
  });

  it('compares the runs of a link that names a missing run, and names the missing one', async () => {
    const [a, b] = seed.runs;
    await page.goto(`${api.url}/compare?runs=${a!.runId},no-such-run-0042,${b!.runId}`);
    const missing = page.getByTestId('compare-missing');
    await missing.waitFor();
    expect(await missing.innerText()).toContain('no-such-run-0042');
    await screenshot(page, 'compare-missing-run');
    expect(await page.getByRole('alert').count()).toBe(0);
    const compared = page.getByTestId('compare-runs').locator('li');
    expect(await compared.allInnerTexts()).toEqual([
      expect.stringContaining(a!.name),
      expect.stringContaining(b!.name),
    ]);
    await page.locator('[data-testid="metric-chart"][data-metric="loss"] .chart-canvas[data-points]').waitFor();
    await page.getByRole('button', { name: 'Remove no-such-run-0042 from the comparison' }).click();
    await missing.waitFor({ state: 'detached' });
    expect(new URL(page.url()).searchParams.get('runs')).toBe(`${a!.runId},${b!.runId}`);
    expect(await compared.count()).toBe(2);
    expect(errors).toEqual([]);
  });

  it('grows a comparison started from a run page by finding runs by name', async () => {
    const [first, , third] = seed.runs;
    await page.goto(`${api.url}/experiments/${seed.experimentId}/runs/${first!.runId}`);
    await page.getByRole('link', { name: 'Compare with…' }).click();
    await page.getByRole('heading', { name: 'Compare 1 run' }).waitFor();
    await page
      .getByTestId('add-runs')
      .getByRole('button', { name: /Add runs/ })
      .click();
    const finder = page.getByLabel('Find runs to add');
    await finder.fill(third!.name);
    const candidate = page.locator('.run-finder-list li');
    await expect.poll(() => candidate.allInnerTexts()).toEqual([expect.stringContaining(third!.name)]);
    await candidate.getByRole('button').click();
    await page.getByRole('heading', { name: 'Compare 2 runs' }).waitFor();
    expect(new URL(page.url()).searchParams.get('runs')).toBe(`${first!.runId},${third!.runId}`);
    // The panel lists what is left to add, without the runs already compared.
    await finder.fill('');
    await expect.poll(() => candidate.count()).toBe(seed.runs.length + 1 - 2);
    expect(await candidate.allInnerTexts()).not.toContainEqual(expect.stringContaining(first!.name));
    await page.goBack();
    await page.getByRole('heading', { name: 'Compare 1 run' }).waitFor();
    expect(errors).toEqual([]);
  });

  it('undoes a filter and a sort with Back, staying on the experiment', async () => {
    const url = `${api.url}/experiments/${seed.experimentId}?cols=params.optimizer,metrics.loss`;
    await page.goto(url);
    await expect.poll(() => page.locator('tr[data-run-id]').count()).toBe(13);
    const input = page.getByLabel('Filter runs');
    await input.fill("params.optimizer = 'sgd'");
    await page.keyboard.press('Enter');
    await page.waitForURL(/filter=/);
    const sgd = seed.runs.filter((r) => r.optimizer === 'sgd');
    await expect.poll(() => page.locator('tr[data-run-id]').count()).toBe(sgd.length);
    await page.locator('th[data-column="metrics.loss"] .header-label').click();
    await page.waitForURL(/sort=metrics.loss/);
    const byLoss = [...sgd].sort((x, y) => y.finalLoss - x.finalLoss).map((r) => r.name);
    await expect.poll(() => gridRunNames(page)).toEqual(byLoss);

    await page.goBack();
    await page.waitForURL((u) => !u.searchParams.has('sort') && u.searchParams.has('filter'));
    await expect
      .poll(async () => (await gridRunNames(page))[0])
      .toBe([...sgd].sort((x, y) => y.name.localeCompare(x.name))[0]!.name);
    await page.goBack();
    await page.waitForURL((u) => u.pathname === `/experiments/${seed.experimentId}` && !u.searchParams.has('filter'));
    await expect.poll(() => page.locator('tr[data-run-id]').count()).toBe(13);
    expect(await input.inputValue()).toBe('');
    await page.goForward();
    await expect.poll(() => page.locator('tr[data-run-id]').count()).toBe(sgd.length);
  });

  it('searches experiment names for a literal % or _', async () => {
    for (const name of ['promo 50% off', 'promo 500 off', 'ab_test', 'abXtest']) {
      await api.call('POST', '/api/v1/experiments', { name });
    }
    await page.goto(`${api.url}/`);
    const search = page.getByLabel('Search experiments');
    const listed = () => page.locator('tbody tr td:first-child').allInnerTexts();
    await search.fill('50%');
    await expect.poll(listed).toEqual([expect.stringContaining('promo 50% off')]);
    await search.fill('ab_');
    await expect.poll(listed).toEqual([expect.stringContaining('ab_test')]);
  });

  it('keeps a long run name and long param values inside the viewport on the run, chart and compare pages', async () => {
    const longName = `sweep-${'a1b2c3d4'.repeat(30)}`;
    const longValue = `s3://bucket/${'very-long-path-segment/'.repeat(25)}model.ckpt`;
    const created = await api.call<{ run: { runId: string } }>('POST', '/api/v1/runs', {
      experimentId: seed.experimentId,
      runName: longName,
      tags: { [`note.${'k'.repeat(200)}`]: 'x'.repeat(400) },
    });
    const runId = created.body.run.runId;
    await api.call('POST', `/api/v1/runs/${runId}/batch`, {
      params: { checkpoint: longValue, [`p_${'q'.repeat(240)}`]: '1' },
      metrics: [0, 1, 2].map((step) => ({ key: 'loss', value: 1 / (step + 1), step })),
    });
    const overflow = async () =>
      Number(await page.evaluate('document.documentElement.scrollWidth - window.innerWidth'));
    const base = `${api.url}/experiments/${seed.experimentId}/runs/${runId}`;

    await page.goto(base);
    await page.getByTestId('params').waitFor();
    expect(await overflow()).toBeLessThanOrEqual(0);
    // The full text stays available.
    expect(await page.getByRole('heading', { level: 1 }).getAttribute('title')).toBe(longName);
    expect(await page.getByTestId('params').innerText()).toContain('checkpoint');

    await page.goto(`${base}?tab=charts`);
    const chart = page.locator('[data-testid="metric-chart"][data-metric="loss"]');
    await chart.locator('.chart-canvas[data-points]').waitFor();
    expect(await overflow()).toBeLessThanOrEqual(0);
    // The legend's label is cut to fit the chart, its full text kept.
    const right = async (selector: string) => {
      const box = (await chart.locator(selector).first().boundingBox())!;
      return box.x + box.width;
    };
    expect(await right('.u-legend .u-series:nth-child(2) .u-label')).toBeLessThanOrEqual(await right('.chart-canvas'));
    expect(await chart.locator('.u-legend').innerText()).toContain(longName);

    await page.goto(`${api.url}/compare?runs=${runId},${seed.runs[0]!.runId}`);
    await page.locator('[data-testid="metric-chart"][data-metric="loss"] .chart-canvas[data-points]').waitFor();
    await page.getByTestId('run-diff').waitFor();
    expect(await overflow()).toBeLessThanOrEqual(0);
    await screenshot(page, 'long-names-compare');
  });

  it('says a deleted run is deleted and restores it', async () => {
    const created = await api.call<{ run: { runId: string } }>('POST', '/api/v1/runs', {
      experimentId: seed.experimentId,
      runName: 'removed-by-mistake',
    });
    const runId = created.body.run.runId;
    await api.call('DELETE', `/api/v1/runs/${runId}`);
    await page.goto(`${api.url}/experiments/${seed.experimentId}/runs/${runId}`);
    const notice = page.getByTestId('run-deleted');
    await notice.waitFor();
    expect(await notice.innerText()).toContain('This run is deleted');
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toMatch(/deleted/i);
    // A deleted run cannot be changed, so its notes are not offered for editing.
    expect(await page.getByRole('button', { name: 'Add notes' }).count()).toBe(0);
    await notice.getByRole('button', { name: 'Restore run' }).click();
    await notice.waitFor({ state: 'detached' });
    expect(await page.getByRole('heading', { level: 1 }).innerText()).not.toMatch(/deleted/i);
    const stored = await api.call<{ run: { lifecycleStage: string } }>('GET', `/api/v1/runs/${runId}`);
    expect(stored.body.run.lifecycleStage).toBe('active');
    await page.getByRole('button', { name: 'Add notes' }).waitFor();
    await screenshot(page, 'run-restored');
  });

  it('marks NaN and infinite points on a chart instead of dropping them silently', async () => {
    const created = await api.call<{ run: { runId: string } }>('POST', '/api/v1/runs', {
      experimentId: seed.experimentId,
      runName: 'diverged',
    });
    const runId = created.body.run.runId;
    const special: Record<number, string> = { 10: 'NaN', 20: 'Infinity', 30: '-Infinity', 31: 'Infinity' };
    await api.call('POST', `/api/v1/runs/${runId}/batch`, {
      metrics: Array.from({ length: 50 }, (_, step) => ({ key: 'loss', value: special[step] ?? 1 / (step + 1), step })),
    });
    await page.goto(`${api.url}/experiments/${seed.experimentId}/runs/${runId}?tab=charts`);
    const chart = page.locator('[data-testid="metric-chart"][data-metric="loss"]');
    const canvas = chart.locator('.chart-canvas[data-points]');
    await canvas.waitFor();
    expect(await canvas.getAttribute('data-nan')).toBe('1');
    expect(await canvas.getAttribute('data-pos-inf')).toBe('2');
    expect(await canvas.getAttribute('data-neg-inf')).toBe('1');
    await expect.poll(() => chart.getByTestId('non-finite-note').innerText()).toContain('marked: 1 NaN, 2 +∞, 1 −∞');
    // The finite values still set the y range.
    expect(Number(await canvas.getAttribute('data-y-max'))).toBeLessThan(10);
    // Hovering a marked step names its value in the legend.
    const box = (await chart.locator('.u-over').boundingBox())!;
    const xMin = Number(await canvas.getAttribute('data-x-min'));
    const xMax = Number(await canvas.getAttribute('data-x-max'));
    await page.mouse.move(box.x + ((10 - xMin) / (xMax - xMin)) * box.width, box.y + box.height / 2);
    await expect.poll(() => chart.locator('.u-legend .u-series:nth-child(2) .u-value').innerText()).toBe('NaN');
    await screenshot(page, 'chart-non-finite');
    expect(errors).toEqual([]);
  });

  it('shows the inputs and outputs of a run reported by OpenLineage, and an MLflow input once', async () => {
    const [, complete] = await replay(api, 'spark-clean-orders.json');
    const run = await api.call<{ run: { runId: string; experimentId: string; inputs: unknown[] } }>(
      'GET',
      `/api/v1/runs/${complete!.runId}`,
    );
    expect(run.body.run.inputs).toEqual([]);
    await page.goto(`${api.url}/experiments/${run.body.run.experimentId}/runs/${complete!.runId}`);
    await page.getByRole('heading', { name: 'Inputs (1)' }).waitFor();
    expect(await page.getByTestId('inputs').locator('tbody tr').allInnerTexts()).toEqual([
      expect.stringContaining('s3://lake/raw/orders'),
    ]);
    await page.getByRole('heading', { name: 'Outputs (1)' }).waitFor();
    expect(await page.getByTestId('outputs').innerText()).toContain('analytics.staging.orders_clean');

    // A run's MLflow inputs are in the graph too; they are listed once.
    await page.goto(`${api.url}/experiments/${seed.experimentId}/runs/${seed.runs[0]!.runId}`);
    await page.getByTestId('inputs').waitFor();
    await page.locator('[data-testid="run-inputs"][aria-busy="false"]').waitFor();
    expect(await page.getByRole('heading', { name: /^Inputs/ }).innerText()).toBe('Inputs (1)');
    expect(await page.getByTestId('inputs').locator('tbody tr').count()).toBe(1);
    expect(await page.getByRole('heading', { name: /^Outputs/ }).count()).toBe(0);
    expect(errors).toEqual([]);
  });
});
