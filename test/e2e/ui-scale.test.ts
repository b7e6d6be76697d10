import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../support/backends.js';
import { useTestServer } from '../support/test-server.js';
import { launchBrowser, screenshot, watchErrors } from './support/browser.js';
import { ensureUiBuilt } from './support/build-ui.js';
import { seedManyRuns } from './support/seed.js';

const RUNS = 2_150; // more than one page of the UI's 2,000-run search pages
// The 1,000,000-point case is measured by bench/scenarios/ui-render.ts; here the point is correctness, quickly.
const POINTS = 200_000;

describe('web UI at scale in Chromium', () => {
  const api = useTestServer(backends[0]!);
  let browser: Browser;
  let page: Page;
  let experimentId: string;
  let bigRunId: string;

  beforeAll(async () => {
    await ensureUiBuilt();
    const created = await api.call<{ experiment: { experimentId: string } }>('POST', '/api/v1/experiments', {
      name: 'scale',
    });
    experimentId = created.body.experiment.experimentId;
    await seedManyRuns(api, experimentId, RUNS);
    const big = await api.call<{ run: { runId: string } }>('POST', '/api/v1/runs', {
      experimentId,
      runName: 'long-training',
      startTime: 1_600_000_000_000,
    });
    bigRunId = big.body.run.runId;
    for (let start = 0; start < POINTS; start += 10_000) {
      const metrics = Array.from({ length: 10_000 }, (_, i) => {
        const step = start + i;
        // A single spike that min/max downsampling must keep visible.
        const value = step === 123_457 ? 50 : Math.exp(-step / 50_000) + 0.01 * Math.sin(step / 100);
        return { key: 'loss', value, step, timestamp: 1_600_000_000_000 + step * 10 };
      });
      const logged = await api.call('POST', `/api/v1/runs/${bigRunId}/batch`, { metrics });
      expect(logged.status).toBe(200);
    }
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  }, 600_000);

  afterAll(async () => {
    await browser?.close();
  });

  it('pages through every run with page tokens while rendering only the rows in view', async () => {
    await page.goto(`${api.url}/experiments/${experimentId}?cols=tags.shard,attributes.start_time`);
    await page.locator('tr[data-run-id]').first().waitFor();
    const total = (RUNS + 1).toLocaleString('en-US');
    await expect.poll(() => page.getByTestId('run-total').innerText(), { timeout: 30_000 }).toBe(`${total} runs`);
    const rendered = await page.locator('tr[data-run-id]').count();
    expect(rendered).toBeGreaterThan(10);
    expect(rendered).toBeLessThan(100);
    // Newest first by default.
    expect(await page.locator('tr[data-run-id] .run-link').first().innerText()).toBe(
      `bulk-${String(RUNS - 1).padStart(5, '0')}`,
    );

    // The last run of the last page is reachable by keyboard and drawn once scrolled into view.
    await page.getByTestId('runs-grid').focus();
    await page.keyboard.press('End');
    await page.locator('tr.focused .run-link', { hasText: 'long-training' }).waitFor();
    expect(await page.locator('tr[data-run-id]').count()).toBeLessThan(100);

    // Sorting by name is done by the server across all pages.
    await page.locator('th[data-column="attributes.run_name"] .header-label').click();
    await page.waitForURL(/sort=attributes.run_name/);
    await expect
      .poll(async () => page.locator('tr[data-run-id] .run-link').first().innerText(), { timeout: 30_000 })
      .toBe('bulk-00000');
    await expect.poll(() => page.getByTestId('run-total').innerText(), { timeout: 30_000 }).toBe(`${total} runs`);
    await screenshot(page, 'scale-runs-table');
  });

  it('keeps the selection and run name in place while the grid scrolls sideways', async () => {
    const cols = [
      'attributes.run_id',
      'attributes.status',
      'attributes.start_time',
      'attributes.duration',
      'tags.shard',
    ];
    const narrow = await browser.newPage({ viewport: { width: 1000, height: 700 } });
    await narrow.goto(`${api.url}/experiments/${experimentId}?cols=${cols.join(',')}`);
    const row = narrow.locator('tr[data-run-id]').first();
    await row.waitFor();
    const grid = narrow.getByTestId('runs-grid');
    const left = async (selector: string) => (await row.locator(selector).first().boundingBox())!.x;
    const before = { name: await left('.run-name-cell'), idCell: await left('td:nth-child(3)') };
    const overflow = await grid.evaluate((el) => el.scrollWidth - el.clientWidth);
    expect(overflow).toBeGreaterThan(100);
    await grid.evaluate((el) => {
      el.scrollLeft = 100;
    });
    await expect.poll(() => left('td:nth-child(3)')).toBeCloseTo(before.idCell - 100, 0);
    expect(await left('.run-name-cell')).toBeCloseTo(before.name, 0);
    // Scrolling down swaps rows in; those drawn after the sideways scroll stick too.
    await grid.evaluate((el) => {
      el.scrollTop = el.scrollHeight / 2;
    });
    const later = narrow.locator('tr[data-run-id]').nth(5);
    await expect.poll(async () => (await later.locator('.run-name-cell').boundingBox())?.x).toBeCloseTo(before.name, 0);
    await narrow.close();
  });

  it('compares thousands of selected runs with one request for them, showing as many as it can and saying so', {
    timeout: 90_000,
  }, async () => {
    const compare = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    const errors = watchErrors(compare);
    const runRequests: string[] = [];
    compare.on('request', (request) => {
      const path = new URL(request.url()).pathname;
      if (path.startsWith('/api/v1/runs/') && !path.endsWith('/search'))
        runRequests.push(`${request.method()} ${path}`);
    });
    await compare.goto(`${api.url}/experiments/${experimentId}`);
    const total = (RUNS + 1).toLocaleString('en-US');
    await expect.poll(() => compare.getByTestId('run-total').innerText(), { timeout: 30_000 }).toBe(`${total} runs`);
    await compare.getByLabel('Select all runs').check();
    await compare.getByTestId('compare-button').click();
    await compare.waitForURL(/\/compare\?runs=/);
    const cap = compare.getByTestId('compare-cap');
    await cap.waitFor({ timeout: 30_000 });
    expect(await cap.innerText()).toContain(`${total} runs were chosen; showing the first 100`);
    expect(await compare.getByTestId('compare-runs').locator('li').count()).toBe(100);
    expect(await compare.getByRole('heading', { name: 'Compare 100 runs' }).count()).toBe(1);
    expect(await compare.getByRole('alert').count()).toBe(0);
    // One batched request fetched the compared runs; none was asked for one at a time.
    expect(runRequests).toEqual(['POST /api/v1/runs/get']);
    await compare.getByRole('button', { name: 'Keep only these 100' }).click();
    await expect.poll(() => new URL(compare.url()).searchParams.get('runs')?.split(',').length).toBe(100);
    await cap.waitFor({ state: 'detached' });
    expect(errors).toEqual([]);
    await compare.close();
  });

  it(`draws a ${POINTS.toLocaleString('en-US')}-point metric from a downsampled series, keeping its spike`, {
    timeout: 90_000,
  }, async () => {
    await page.goto(`${api.url}/experiments/${experimentId}/runs/${bigRunId}?tab=charts`);
    const chart = page.locator('[data-testid="metric-chart"][data-metric="loss"]');
    const canvas = chart.locator('.chart-canvas[data-total-ms]');
    await canvas.waitFor({ timeout: 60_000 });
    const caption = await chart.locator('figcaption').innerText();
    expect(caption).toMatch(new RegExp(`of ${POINTS.toLocaleString('en-US')} points`));
    const shown = Number(/([\d,]+) of/.exec(caption)![1]!.replaceAll(',', ''));
    expect(shown).toBeGreaterThan(200);
    expect(shown).toBeLessThanOrEqual(10_000);
    // Drawing the downsampled series in the page takes milliseconds, whatever the metric's length.
    expect(Number(await canvas.getAttribute('data-render-ms'))).toBeLessThan(1000);
    // The y scale reaches the spike's value, so the spike was drawn.
    expect(Number(await canvas.getAttribute('data-y-max'))).toBeGreaterThanOrEqual(50);
    await screenshot(page, 'scale-metric-chart');
  });
});
