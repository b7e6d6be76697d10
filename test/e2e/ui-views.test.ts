import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../support/backends.js';
import { useTestServer } from '../support/test-server.js';
import { launchBrowser, screenshot, watchErrors } from './support/browser.js';
import { ensureUiBuilt } from './support/build-ui.js';
import { type Seed, seedSweep } from './support/seed.js';

/** Text of every visible run name in the runs grid, top to bottom. */
async function gridRunNames(page: Page): Promise<string[]> {
  return page.locator('[data-testid="runs-grid"] tbody tr[data-run-id] .run-link').allInnerTexts();
}

describe.each(backends)('web UI in Chromium on $name', (backend) => {
  const api = useTestServer(backend);
  let browser: Browser;
  let page: Page;
  let errors: string[];
  let seed: Seed;
  const shot = (name: string) => screenshot(page, `${backend.name}-${name}`);

  beforeAll(async () => {
    await ensureUiBuilt();
    seed = await seedSweep(api);
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 }, colorScheme: 'light' });
    errors = watchErrors(page);
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
  });

  it('lists experiments with run counts and filters them by name', async () => {
    await page.goto(`${api.url}/`);
    const row = page.locator('tr', { hasText: seed.experimentName });
    await row.waitFor();
    await expect.poll(() => row.locator('[data-testid="run-count"]').innerText()).toBe('13');
    await shot('experiments');
    await page.getByLabel('Search experiments').fill('no-such-thing');
    await page.getByText('No experiment matches').waitFor();
    expect(page.url()).toContain('q=no-such-thing');
    await page.getByLabel('Search experiments').fill('mnist');
    await row.waitFor();
    expect(await page.locator('tbody tr').count()).toBe(1);
    await row.click();
    await page.waitForURL(/\/experiments\/\d+$/);
    expect(errors).toEqual([]);
  });

  it('shows the runs table, sorts by a metric on the server and keeps the sort in the URL', async () => {
    await page.goto(`${api.url}/experiments/${seed.experimentId}?cols=metrics.loss,params.lr,params.optimizer`);
    await page.locator('tr[data-run-id]').first().waitFor();
    expect(await page.getByTestId('run-total').innerText()).toContain('13 runs');
    // Default order: newest first.
    expect((await gridRunNames(page))[0]).toBe('live-run');

    await page.locator('th[data-column="metrics.loss"] .header-label').click();
    await page.waitForURL(/sort=metrics.loss/);
    const ascending = [...seed.runs, seed.running].sort((a, b) => a.finalLoss - b.finalLoss).map((r) => r.name);
    // A first click on a metric sorts descending (largest first), a second ascending.
    await expect.poll(() => gridRunNames(page)).toEqual([...ascending].reverse());
    await page.locator('th[data-column="metrics.loss"] .header-label').click();
    await expect.poll(() => gridRunNames(page)).toEqual(ascending);
    await shot('runs-table');

    await page.reload();
    await expect.poll(() => gridRunNames(page)).toEqual(ascending);
  });

  it('filters with the filter language, completing field names, and explains a bad filter', async () => {
    await page.goto(`${api.url}/experiments/${seed.experimentId}?cols=params.optimizer,params.lr`);
    await page.locator('tr[data-run-id]').first().waitFor();
    const input = page.getByLabel('Filter runs');
    await input.click();
    await input.pressSequentially('optim');
    await page.locator('.suggestions').getByText('params.optimizer').waitFor();
    await page.keyboard.press('Tab');
    expect(await input.inputValue()).toBe('params.optimizer ');
    await input.pressSequentially("= 'adam' and params.lr = '0.01'");
    await page.keyboard.press('Enter');
    await page.waitForURL(/filter=/);
    const expected = seed.runs.filter((r) => r.optimizer === 'adam' && r.lr === 0.01).map((r) => r.name);
    expect(expected.length).toBeGreaterThan(0);
    await expect.poll(async () => (await gridRunNames(page)).sort()).toEqual(expected.sort());
    await shot('runs-filtered');

    await input.fill('metrics.loss ~ 3');
    await page.keyboard.press('Enter');
    const error = page.locator('.filter-error');
    await error.waitFor();
    expect(await error.innerText()).toMatch(/\S/);
    expect(await page.locator('tr[data-run-id]').count()).toBe(0);

    await page.getByRole('button', { name: 'Clear' }).click();
    await expect.poll(() => page.locator('tr[data-run-id]').count()).toBe(13);
  });

  it('keeps typing after a chosen field even when the browser draws frames late', async () => {
    // A loaded machine draws frames late; a caret placed on the next frame would land after keys already typed.
    const slow = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await slow.addInitScript(
      'window.requestAnimationFrame = (callback) => window.setTimeout(() => callback(performance.now()), 500);',
    );
    try {
      await slow.goto(`${api.url}/experiments/${seed.experimentId}?cols=params.optimizer,params.lr`);
      await slow.locator('tr[data-run-id]').first().waitFor();
      const input = slow.getByLabel('Filter runs');
      await input.click();
      await input.pressSequentially('optim');
      await slow.locator('.suggestions').getByText('params.optimizer').waitFor();
      await slow.keyboard.press('Tab');
      await input.pressSequentially("= 'sgd'");
      expect(await input.inputValue()).toBe("params.optimizer = 'sgd'");
      await slow.keyboard.press('Enter');
      const expected = seed.runs.filter((r) => r.optimizer === 'sgd').map((r) => r.name);
      await expect.poll(async () => (await gridRunNames(slow)).sort()).toEqual(expected.sort());
    } finally {
      await slow.close();
    }
  });

  it('groups runs by a param with count and metric aggregates', async () => {
    await page.goto(`${api.url}/experiments/${seed.experimentId}?group=params.optimizer&agg=loss`);
    await page.locator('[data-testid="group-row"]').first().waitFor();
    const groups = page.locator('[data-testid="group-row"]');
    expect(await groups.count()).toBe(3);
    const all = [...seed.runs, seed.running];
    for (const optimizer of ['adam', 'sgd', 'adamw']) {
      const members = all.filter((r) => r.optimizer === optimizer);
      const losses = members.map((r) => r.finalLoss);
      const mean = losses.reduce((a, b) => a + b, 0) / losses.length;
      const row = groups.filter({ has: page.locator('strong', { hasText: new RegExp(`^${optimizer}$`) }) });
      const text = await row.innerText();
      expect(text).toContain(`${members.length} runs`);
      expect(text).toContain(`mean ${Number(mean.toPrecision(4))}`);
      expect(text).toContain(`min ${Number(Math.min(...losses).toPrecision(4))}`);
    }
    await groups.first().click();
    await expect.poll(() => page.locator('tr[data-run-id]').count()).toBeGreaterThan(0);
    await shot('runs-grouped');
  });

  it('moves through rows with the keyboard, pins a run to the top and opens a run with Enter', async () => {
    await page.goto(`${api.url}/experiments/${seed.experimentId}`);
    await page.locator('tr[data-run-id]').first().waitFor();
    await page.getByTestId('runs-grid').focus();
    await page.keyboard.press('j');
    await page.keyboard.press('j');
    const focused = page.locator('tr.focused');
    const name = await focused.locator('.run-link').innerText();
    await page.keyboard.press('p');
    await page.waitForURL(/pin=/);
    await expect.poll(async () => (await gridRunNames(page))[0]).toBe(name);
    await page.locator('tr[data-run-id]').first().waitFor();
    await page.getByTestId('runs-grid').focus();
    await page.keyboard.press('Home');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/runs\//);
    await page.getByRole('heading', { name: new RegExp(name) }).waitFor();
  });

  it('shows a run: facts, params, metrics with sparklines, tags, environment and inputs', async () => {
    const run = seed.runs[0]!;
    await page.goto(`${api.url}/experiments/${seed.experimentId}/runs/${run.runId}`);
    const facts = page.getByTestId('run-facts');
    await facts.waitFor();
    await page.locator('.crumbs', { hasText: seed.experimentName }).waitFor();
    const factText = await facts.innerText();
    expect(factText).toContain('train.py');
    expect(factText).toContain('1000'); // seed param
    expect(factText).toMatch(/abc1230/); // git commit prefix
    expect(factText).toMatch(/1m 40s/); // duration 100 s
    expect(await page.getByTestId('params').innerText()).toContain('optimizer');
    expect(await page.getByTestId('environment').innerText()).toContain('python.version');
    expect(await page.getByTestId('inputs').innerText()).toContain('mnist-train');
    const metrics = page.getByTestId('metrics');
    expect(await metrics.innerText()).toContain('accuracy');
    await expect.poll(() => metrics.locator('svg.sparkline').first().getAttribute('data-points')).toBe('60');
    await shot('run-overview');
  });

  it('edits notes as Markdown, stores them in mlflow.note.content and renders them without raw HTML', async () => {
    const run = seed.runs[1]!;
    await page.goto(`${api.url}/experiments/${seed.experimentId}/runs/${run.runId}`);
    await page.getByRole('button', { name: 'Add notes' }).click();
    const note =
      '## Findings\n\n**Adam** wins; see [paper](https://example.org/p).\n\n<script>window.pwned = 1</script>\n\n- one\n- two';
    await page.getByLabel('Notes (Markdown)').fill(note);
    await page.getByRole('button', { name: 'Save notes' }).click();
    const notes = page.getByTestId('notes');
    await page.getByRole('button', { name: 'Edit notes' }).waitFor();
    expect(await notes.locator('textarea').count()).toBe(0);
    expect(await notes.locator('strong').innerText()).toBe('Adam');
    expect(await notes.locator('h3', { hasText: 'Findings' }).count()).toBe(1);
    expect(await notes.locator('a[href="https://example.org/p"]').count()).toBe(1);
    expect(await notes.locator('li').count()).toBe(2);
    expect(await notes.innerText()).toContain('<script>window.pwned = 1</script>');
    expect(await page.evaluate('typeof window.pwned')).toBe('undefined');
    const stored = await api.call<{ run: { tags: Record<string, string> } }>('GET', `/api/v1/runs/${run.runId}`);
    expect(stored.body.run.tags['mlflow.note.content']).toBe(note);
  });

  it('browses artifacts and previews JSON, CSV, text and images', async () => {
    const run = seed.runs[0]!;
    await page.goto(`${api.url}/experiments/${seed.experimentId}/runs/${run.runId}?tab=artifacts`);
    await page.getByRole('button', { name: 'metrics', exact: true }).click();
    await page.getByRole('button', { name: /summary\.json/ }).click();
    const preview = page.getByTestId('artifact-preview');
    await expect.poll(() => preview.locator('pre').innerText()).toContain('"accuracy": 0.98');
    expect(page.url()).toContain('file=metrics%2Fsummary.json');

    await page.getByRole('button', { name: 'artifacts', exact: true }).click();
    await page.getByRole('button', { name: 'data', exact: true }).click();
    await page.getByRole('button', { name: /predictions\.csv/ }).click();
    await preview.locator('table').waitFor();
    expect(await preview.locator('tbody tr').count()).toBe(3);
    expect(await preview.locator('tbody tr').nth(1).innerText()).toContain('dog, large');

    await page.getByRole('button', { name: 'artifacts', exact: true }).click();
    await page.getByRole('button', { name: /README\.txt/ }).click();
    await expect.poll(() => preview.locator('pre').innerText()).toContain('<script>alert(1)</script>');

    await page.getByRole('button', { name: 'plots', exact: true }).click();
    await page.getByRole('button', { name: /confusion\.png/ }).click();
    const image = preview.locator('img');
    await image.waitFor();
    await expect.poll(() => image.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth)).toBe(2);
    await shot('run-artifacts');
  });

  it('charts a metric with smoothing, log scale and wall-clock axis kept in the URL', async () => {
    const run = seed.runs[2]!;
    await page.goto(`${api.url}/experiments/${seed.experimentId}/runs/${run.runId}?tab=charts`);
    const chart = page.locator('[data-testid="metric-chart"][data-metric="loss"]');
    await chart.locator('canvas').waitFor();
    await expect.poll(() => chart.locator('figcaption').innerText()).toContain('100 of 100 points');
    await page.getByLabel('Log scale').click();
    await page.waitForURL(/log=1/);
    expect(await page.getByLabel('Log scale').isChecked()).toBe(true);
    await page.getByLabel('X axis').selectOption('time');
    await page.waitForURL(/x=time/);
    await chart.locator('.chart-canvas[data-render-ms]').waitFor();
    // uPlot's legend reflects the series it drew.
    expect(await chart.locator('.u-legend').innerText()).toContain(run.name);
    await shot('run-charts');
  });

  it('compares selected runs: overlaid charts, parallel coordinates, scatter and a diff of what differs', async () => {
    await page.goto(`${api.url}/experiments/${seed.experimentId}`);
    await page.locator('tr[data-run-id]').first().waitFor();
    const chosen = seed.runs.slice(0, 4);
    for (const run of chosen) await page.locator(`tr[data-run-id="${run.runId}"] input[type="checkbox"]`).check();
    await page.getByTestId('compare-button').click();
    await page.waitForURL(/\/compare\?runs=/);
    await page.getByTestId('compare-runs').waitFor();
    expect(await page.getByTestId('compare-runs').locator('li').count()).toBe(4);

    const chart = page.locator('[data-testid="metric-chart"][data-metric="loss"]');
    await expect.poll(() => chart.locator('figcaption').innerText()).toContain('400 of 400 points');
    const legend = await chart.locator('.u-legend').innerText();
    for (const run of chosen) expect(legend).toContain(run.name);

    const parallel = page.getByTestId('parallel-coordinates');
    expect(await parallel.locator('g[data-run-id]').count()).toBe(4);
    expect(await parallel.textContent()).toContain('optimizer');
    const scatter = page.getByTestId('scatter-plot');
    await page.getByLabel('Scatter x').selectOption('params.lr');
    await page.getByLabel('Scatter y').selectOption('metrics.loss');
    await page.waitForURL(/sx=params.lr/);
    expect(await scatter.locator('circle').count()).toBe(4);

    const diff = page.getByTestId('run-diff');
    const lrRow = diff.locator('tr', { has: page.locator('th', { hasText: /^lr$/ }) });
    expect(await lrRow.getAttribute('data-differs')).toBe('true');
    expect(await diff.locator('tr[data-differs="false"]').count()).toBe(0);
    await page.getByLabel('Only show differences').uncheck();
    expect(await diff.locator('tr[data-differs="false"]').count()).toBeGreaterThan(0);
    await shot('compare');
    expect(errors).toEqual([]);
  });

  it('updates a running run in the table without a reload', async () => {
    await page.goto(`${api.url}/experiments/${seed.experimentId}?cols=metrics.loss`);
    const cell = page.locator(`tr[data-run-id="${seed.running.runId}"] td`).last();
    await expect.poll(() => cell.innerText()).toBe('1.5');
    await api.call('POST', `/api/v1/runs/${seed.running.runId}/batch`, {
      metrics: [{ key: 'loss', value: 0.75, step: 1 }],
    });
    await expect.poll(() => cell.innerText(), { timeout: 15_000 }).toBe('0.75');
  });

  it('shows readable errors for unknown pages, experiments and runs, and follows the dark theme', async () => {
    await page.goto(`${api.url}/definitely/not/here`);
    await page.getByText('Page not found').waitFor();
    await page.goto(`${api.url}/experiments/999999999`);
    await page.getByRole('alert').waitFor();
    expect(await page.getByRole('alert').innerText()).toContain('Could not find experiment');
    await page.goto(`${api.url}/experiments/${seed.experimentId}/runs/nope`);
    expect(await page.getByRole('alert').innerText()).toMatch(/not found/i);
    await page.goto(`${api.url}/compare`);
    await page.getByText('No runs chosen').waitFor();

    // An experiment without runs says how to log one, with this server's address filled in.
    const empty = await api.call<{ experiment: { experimentId: string } }>('POST', '/api/v1/experiments', {
      name: `empty-${backend.name}`,
    });
    await page.goto(`${api.url}/experiments/${empty.body.experiment.experimentId}`);
    await page.getByText('No runs in this experiment yet').waitFor();
    const snippet = page.getByTestId('first-run-snippet');
    expect(await snippet.innerText()).toContain(`mlflow.set_tracking_uri("${api.url}")`);
    expect(await snippet.innerText()).toContain(`mlflow.set_experiment("empty-${backend.name}")`);
    await page.getByRole('tab', { name: 'Mnemo SDK' }).click();
    expect(await snippet.innerText()).toContain(`new Mnemo({ url: '${api.url}' })`);

    await page.goto(`${api.url}/experiments/${seed.experimentId}`);
    await page.locator('tr[data-run-id]').first().waitFor();
    await page.getByTestId('theme-toggle').click();
    expect(await page.evaluate('document.documentElement.dataset.theme')).toBe('dark');
    const background = await page.evaluate('getComputedStyle(document.body).backgroundColor');
    expect(background).toBe('rgb(17, 20, 24)');
    await shot('runs-table-dark');
    await page.getByTestId('theme-toggle').click();
    await page.getByTestId('theme-toggle').click();
  });
});
