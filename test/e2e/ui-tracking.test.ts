import { readFile } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../support/backends.js';
import { given, ok } from '../support/builders.js';
import { useTestServer } from '../support/test-server.js';
import { launchBrowser, screenshot, watchErrors } from './support/browser.js';
import { ensureUiBuilt } from './support/build-ui.js';

interface RunJson {
  runId: string;
  runName: string;
  lifecycleStage: string;
  tags: Record<string, string>;
}

/** Text of every visible run name in the runs grid, top to bottom. */
async function gridRunNames(page: Page): Promise<string[]> {
  return page.locator('[data-testid="runs-grid"] tbody tr[data-run-id] .run-link').allInnerTexts();
}

describe.each(backends)('tracking UI changes in Chromium on $name', (backend) => {
  const api = useTestServer(backend);
  let browser: Browser;
  let page: Page;
  let errors: string[];
  let experimentId: string;
  const ids: Record<string, string> = {};
  const shot = (name: string) => screenshot(page, `${backend.name}-tracking-${name}`);
  const run = async (runId: string) => (await ok<{ run: RunJson }>(api, 'GET', `/api/v1/runs/${runId}`)).run;
  const runPage = (name: string) => `${api.url}/experiments/${experimentId}/runs/${ids[name]}`;

  beforeAll(async () => {
    await ensureUiBuilt();
    const experiment = await given(api).experiment('tuning');
    experimentId = experiment.experimentId;
    const start = Date.UTC(2026, 0, 5, 9, 0, 0);
    const metrics = (loss: number, step = 0) => [
      { key: 'loss', value: loss, step, timestamp: start },
      { key: 'accuracy', value: 1 - loss, step, timestamp: start },
      { key: 'system/cpu_utilization_percentage', value: 40, step, timestamp: start },
    ];
    const parent = await experiment.run({ runName: 'sweep', startTime: start + 3000 });
    await parent.log({ params: { optimizer: 'adam' }, metrics: metrics(0.3) });
    ids.sweep = parent.runId;
    for (const [i, name] of ['trial-a', 'trial-b'].entries()) {
      const { run: child } = await ok<{ run: { runId: string } }>(api, 'POST', '/api/v1/runs', {
        experimentId,
        runName: name,
        startTime: start + 2000 - i,
        parentRunId: parent.runId,
      });
      await given(api)
        .existingRun(child.runId)
        .log({ params: { lr: String(0.01 * (i + 1)), optimizer: 'adam' }, metrics: metrics(0.2 + i / 10) });
      ids[name] = child.runId;
    }
    // A short history on one child, to follow a cursor across its charts; its last step keeps the values above.
    const history = [1, 2, 3, 4, 5, 6, 7, 8, 9].flatMap((step) => {
      const loss = 0.2 + (9 - step) / 10;
      return [
        { key: 'loss', value: loss, step, timestamp: start + step },
        { key: 'accuracy', value: 1 - loss, step, timestamp: start + step },
      ];
    });
    await given(api).existingRun(ids['trial-a']!).log({ metrics: history });
    const solo = await experiment.run({ runName: 'solo', startTime: start + 1000, tags: { team: 'vision' } });
    await solo.log({ params: { lr: '0.1', optimizer: 'sgd' }, metrics: metrics(0.5) });
    ids.solo = solo.runId;
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 }, colorScheme: 'light' });
    errors = watchErrors(page);
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
  });

  it('opens with the main metrics and params as columns, nested runs folded under their parent', async () => {
    await page.goto(`${api.url}/experiments/${experimentId}`);
    await page.locator('tr[data-run-id]').first().waitFor();
    await expect
      .poll(() => page.locator('th[data-column]').evaluateAll((ths) => ths.map((th) => th.getAttribute('data-column'))))
      .toEqual([
        '_select',
        'attributes.run_name',
        'attributes.status',
        'attributes.start_time',
        'attributes.duration',
        'attributes.user_id',
        'metrics.accuracy',
        'metrics.loss',
        'params.lr',
        'params.optimizer',
      ]);
    expect(page.url()).not.toContain('cols=');
    await expect.poll(() => gridRunNames(page)).toEqual(['sweep', 'solo']);

    const toggle = page.locator(`tr[data-run-id="${ids.sweep}"] [data-testid="tree-toggle"]`);
    expect(await toggle.getAttribute('aria-expanded')).toBe('false');
    expect(await toggle.innerText()).toContain('2');
    await toggle.click();
    await expect.poll(() => gridRunNames(page)).toEqual(['sweep', 'trial-a', 'trial-b', 'solo']);
    expect(await page.locator(`tr[data-run-id="${ids['trial-a']}"]`).getAttribute('data-depth')).toBe('1');
    expect(await page.locator(`tr[data-run-id="${ids.sweep}"]`).getAttribute('data-depth')).toBe('0');
    const loss = await page.locator(`tr[data-run-id="${ids['trial-b']}"] td`).nth(7).innerText();
    expect(Number(loss)).toBeCloseTo(0.3);
    await shot('nested-runs');
    await toggle.click();
    await expect.poll(() => gridRunNames(page)).toEqual(['sweep', 'solo']);
  });

  it('exports the filtered table as CSV, nested runs included, in the chosen columns', async () => {
    const filter = encodeURIComponent("params.optimizer = 'adam'");
    await page.goto(`${api.url}/experiments/${experimentId}?filter=${filter}&cols=params.lr,metrics.loss`);
    await expect.poll(() => gridRunNames(page)).toEqual(['sweep']);
    await expect.poll(() => page.getByTestId('export-csv').isEnabled()).toBe(true);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-csv').click()]);
    expect(download.suggestedFilename()).toBe('tuning-runs.csv');
    const lines = (await readFile((await download.path())!, 'utf8')).trimEnd().split('\r\n');
    expect(lines[0]).toBe('run_id,run_name,params.lr,metrics.loss');
    const rows = lines.slice(1).map((line) => line.split(','));
    expect(rows.map((r) => [r[0], r[1], r[2]])).toEqual([
      [ids.sweep, 'sweep', ''],
      [ids['trial-a'], 'trial-a', '0.01'],
      [ids['trial-b'], 'trial-b', '0.02'],
    ]);
    expect(rows.map((r) => Number(r[3]))).toEqual([0.3, 0.2, 0.2 + 1 / 10]);
  });

  it('renames a run from its page', async () => {
    await page.goto(runPage('solo'));
    await page.locator('.run-title').getByText('solo').waitFor();
    await page.getByRole('button', { name: 'Rename' }).click();
    await page.getByLabel('New run name').fill('solo-baseline');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect.poll(async () => (await run(ids.solo!)).runName).toBe('solo-baseline');
    await page.locator('.run-title').getByText('solo-baseline').waitFor();
  });

  it('adds, edits and removes run tags', async () => {
    await page.goto(runPage('solo'));
    const tags = page.getByTestId('tags');
    await tags.locator('tr[data-tag="team"]').waitFor();
    await page.getByLabel('New tag key').fill('reviewed');
    await page.getByLabel('New tag value').fill('no');
    await page.getByRole('button', { name: 'Add tag' }).click();
    await expect.poll(async () => (await run(ids.solo!)).tags.reviewed).toBe('no');

    await page.getByRole('button', { name: 'Edit tag reviewed' }).click();
    await page.getByLabel('Value of tag reviewed').fill('yes');
    await tags.locator('tr[data-tag="reviewed"]').getByRole('button', { name: 'Save' }).click();
    await expect.poll(async () => (await run(ids.solo!)).tags.reviewed).toBe('yes');
    await expect.poll(() => tags.locator('tr[data-tag="reviewed"] td').first().innerText()).toBe('yes');

    await page.getByRole('button', { name: 'Remove tag team' }).click();
    await expect.poll(async () => 'team' in (await run(ids.solo!)).tags).toBe(false);
    await expect.poll(() => tags.locator('tr[data-tag="team"]').count()).toBe(0);
    await shot('run-tags');
  });

  it('deletes a run from the table, lists it among deleted runs and restores it', async () => {
    await page.goto(`${api.url}/experiments/${experimentId}`);
    await page.getByLabel('Select solo-baseline').check();
    await page.getByTestId('delete-runs').click();
    await page.getByTestId('delete-runs-confirm').click();
    await expect.poll(async () => (await run(ids.solo!)).lifecycleStage).toBe('deleted');
    await expect.poll(() => gridRunNames(page)).toEqual(['sweep']);

    await page.getByTestId('lifecycle').selectOption('deleted');
    await page.waitForURL(/lifecycle=deleted/);
    await expect.poll(() => gridRunNames(page)).toEqual(['solo-baseline']);
    expect(await page.getByTestId('run-total').innerText()).toContain('1 deleted run');
    await shot('deleted-runs');
    await page.getByLabel('Select solo-baseline').check();
    await page.getByTestId('restore-runs').click();
    await page.getByTestId('restore-runs-confirm').click();
    await expect.poll(async () => (await run(ids.solo!)).lifecycleStage).toBe('active');
    await page.getByText('No deleted runs').waitFor();

    await page.getByTestId('lifecycle').selectOption('active');
    await expect.poll(() => gridRunNames(page)).toEqual(['sweep', 'solo-baseline']);
  });

  it('deletes a run from its page and restores it there', async () => {
    await page.goto(runPage('trial-b'));
    await page.getByTestId('delete-run').click();
    await page.getByTestId('delete-run-confirm').click();
    await page.getByTestId('run-deleted').waitFor();
    expect((await run(ids['trial-b']!)).lifecycleStage).toBe('deleted');
    await page.getByRole('button', { name: 'Restore run' }).click();
    await expect.poll(async () => (await run(ids['trial-b']!)).lifecycleStage).toBe('active');
    await expect.poll(() => page.getByTestId('run-deleted').count()).toBe(0);
  });

  it('charts system metrics on their own panel, apart from the model metrics', async () => {
    await page.goto(`${runPage('sweep')}?tab=charts`);
    const system = page.getByTestId('system-metrics');
    const model = page.getByTestId('model-metrics');
    await system.locator('[data-testid="metric-chart"] canvas').first().waitFor();
    await model.locator('[data-testid="metric-chart"] canvas').first().waitFor();
    const charted = (panel: typeof system) =>
      panel.locator('[data-testid="metric-chart"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-metric')));
    expect(await charted(system)).toEqual(['system/cpu_utilization_percentage']);
    expect(await charted(model)).toEqual(['accuracy', 'loss']);
    await expect.poll(() => system.locator('figcaption').innerText()).toContain('1 of 1 points');
    await shot('system-metrics');
  });

  it('moves the cursor of every chart on the page together', async () => {
    await page.goto(`${runPage('trial-a')}?tab=charts`);
    const chart = (key: string) => page.locator(`[data-testid="metric-chart"][data-metric="${key}"]`);
    await chart('loss').locator('.chart-canvas[data-render-ms]').waitFor();
    await chart('accuracy').locator('.chart-canvas[data-render-ms]').waitFor();
    const accuracyAtCursor = () =>
      chart('accuracy').locator('.u-legend .u-series').nth(1).locator('.u-value').innerText();
    expect(await accuracyAtCursor()).not.toMatch(/\d/);
    const box = (await chart('loss').locator('.u-over').boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    // The mouse is over the loss chart only; the accuracy chart shows its value at the same step.
    await expect.poll(accuracyAtCursor).toMatch(/^0\.\d/);
  });

  it('creates, renames, deletes and restores an experiment', async () => {
    await page.goto(`${api.url}/`);
    await page.getByTestId('new-experiment').click();
    await page.getByLabel('New experiment name').fill('fresh-idea');
    await page.getByRole('button', { name: 'Create' }).click();
    await page.waitForURL(/\/experiments\/\d+$/);
    const id = /\/experiments\/(\d+)$/.exec(page.url())![1]!;
    const experiment = async () =>
      (await ok<{ experiment: { name: string; lifecycleStage: string } }>(api, 'GET', `/api/v1/experiments/${id}`))
        .experiment;
    expect((await experiment()).name).toBe('fresh-idea');
    await page.getByText('No runs in this experiment yet').waitFor();

    await page.getByRole('button', { name: 'Rename' }).click();
    await page.getByLabel('New experiment name').fill('tuning');
    await page.getByRole('button', { name: 'Save' }).click();
    // The name is taken: the server's refusal is shown and nothing changes.
    await page.getByRole('alert').waitFor();
    expect((await experiment()).name).toBe('fresh-idea');
    await page.getByLabel('New experiment name').fill('fresh-idea-2');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect.poll(async () => (await experiment()).name).toBe('fresh-idea-2');
    await page.getByRole('heading', { name: 'fresh-idea-2' }).waitFor();

    await page.getByTestId('delete-experiment').click();
    await page.getByTestId('delete-experiment-confirm').click();
    await expect.poll(async () => (await experiment()).lifecycleStage).toBe('deleted');
    await page.getByTestId('experiment-deleted').waitFor();

    await page.goto(`${api.url}/?lifecycle=deleted`);
    await page.getByRole('link', { name: 'fresh-idea-2' }).click();
    await page.getByTestId('restore-experiment').click();
    await page.getByTestId('restore-experiment-confirm').click();
    await expect.poll(async () => (await experiment()).lifecycleStage).toBe('active');
    await expect.poll(() => page.getByTestId('experiment-deleted').count()).toBe(0);
    expect(errors).toEqual([]);
  });
});
