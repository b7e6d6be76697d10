import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../support/backends.js';
import { given, ok } from '../support/builders.js';
import { useTestServer } from '../support/test-server.js';
import { launchBrowser, watchErrors } from './support/browser.js';
import { ensureUiBuilt } from './support/build-ui.js';

interface Seen {
  method: string;
  path: string;
  body: string;
}

/**
 * The UI's server data goes through one cache: a page shown again (Back) shows the runs it had without reading them
 * again, the same experiment asked by two pages is one request, and a change to a run makes the list read again.
 */
describe('server data cache in the web UI in Chromium', () => {
  const api = useTestServer(backends[0]!);
  let browser: Browser;
  let page: Page;
  let errors: string[];
  const seen: Seen[] = [];
  let experimentId: string;
  const runIds: string[] = [];
  let modelId: string;

  beforeAll(async () => {
    await ensureUiBuilt();
    const experiment = await given(api).experiment('cached-runs');
    experimentId = experiment.experimentId;
    for (const name of ['first', 'second', 'third']) {
      // Finished runs, so the table's live refresh of RUNNING runs stays quiet and every search counted is a load.
      const run = await experiment.run({ runName: name }).then((r) => r.finish());
      runIds.push(run.runId);
    }
    const model = await ok<{ model: { info: { model_id: string } } }>(api, 'POST', '/api/2.0/mlflow/logged-models', {
      experiment_id: experimentId,
      name: 'cached-model',
      source_run_id: runIds[0],
    });
    modelId = model.model.info.model_id;
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    errors = watchErrors(page);
    page.on('request', (request) => {
      const url = new URL(request.url());
      if (url.pathname.startsWith('/api/')) {
        seen.push({ method: request.method(), path: url.pathname, body: request.postData() ?? '' });
      }
    });
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
  });

  /** Searches that load the table, not the live check for runs started since (its filter has start_time >). */
  const tableLoads = () =>
    seen.filter((s) => s.path === '/api/v1/runs/search' && !s.body.includes('attributes.start_time >')).length;
  const count = (method: string, path: string) => seen.filter((s) => s.method === method && s.path === path).length;
  const rows = () => page.locator('tr[data-run-id]').count();
  /** Requests made while `steps` ran, by method and path. */
  const during = async (steps: () => Promise<void>) => {
    const before = seen.length;
    await steps();
    await page.waitForLoadState('networkidle');
    const made = seen.slice(before);
    return (method: string, path: string) => made.filter((s) => s.method === method && s.path === path).length;
  };

  it('goes Back to an experiment without reading its runs again', async () => {
    await page.goto(`${api.url}/experiments/${experimentId}`);
    await expect.poll(rows).toBe(3);
    expect(tableLoads()).toBe(1);

    await page.locator('.run-link', { hasText: 'second' }).click();
    await page.locator('h1', { hasText: 'second' }).waitFor();
    await page.goBack();
    await page.waitForURL((url) => url.pathname === `/experiments/${experimentId}`);
    expect(await rows()).toBe(3);
    await page.waitForLoadState('networkidle');
    expect(tableLoads()).toBe(1);
    // The experiment's name and keys were read once for both pages and the way back.
    expect(count('GET', `/api/v1/experiments/${experimentId}`)).toBe(1);
    expect(count('GET', `/api/v1/experiments/${experimentId}/keys`)).toBe(1);
    expect(errors).toEqual([]);
  });

  it('reads the runs again after a run was changed on its page', async () => {
    await page.locator('.run-link', { hasText: 'third' }).click();
    await page.getByRole('button', { name: 'Add notes' }).click();
    await page.getByLabel('Notes (Markdown)').fill('**changed**');
    await page.getByRole('button', { name: 'Save notes' }).click();
    await page.getByRole('button', { name: 'Edit notes' }).waitFor();
    await page.goBack();
    await expect.poll(rows).toBe(3);
    await expect.poll(tableLoads).toBe(2);
    expect(errors).toEqual([]);
  });

  it('goes Back to the experiment list without reading it again', async () => {
    await page.goto(`${api.url}/`);
    const row = page.locator('tr', { hasText: 'cached-runs' });
    await row.waitFor();
    const requests = await during(async () => {
      await row.locator('a').click();
      await expect.poll(rows).toBe(3);
      await page.goBack();
      await row.waitFor();
    });
    expect(requests('POST', '/api/v1/experiments/search')).toBe(0);
    expect(requests('POST', '/api/v1/experiments/activity')).toBe(0);
    expect(errors).toEqual([]);
  });

  it('reads the source run of a model once for its page and the run page, and goes Back to the model from cache', async () => {
    const model = `/api/v1/logged-models/${modelId}`;
    const sourceRun = `/api/v1/runs/${runIds[0]}`;
    const opened = await during(async () => {
      await page.goto(`${api.url}/logged-models/${modelId}`);
      await page.getByTestId('model-source-run').getByText('first').waitFor();
    });
    expect(opened('GET', model)).toBe(1);
    expect(opened('GET', sourceRun)).toBe(1);
    const there = await during(async () => {
      await page.getByTestId('model-source-run').click();
      await page.locator('h1', { hasText: 'first' }).waitFor();
      await page.goBack();
      await page.getByTestId('model-name').waitFor();
    });
    expect(there('GET', sourceRun)).toBe(0);
    expect(there('GET', model)).toBe(0);
    expect(errors).toEqual([]);
  });

  it('goes Back to a comparison without reading its runs again, and keeps it on screen while it changes', async () => {
    await page.goto(`${api.url}/compare?runs=${runIds.join(',')}`);
    const legend = page.getByTestId('compare-runs');
    await legend.getByText('third').waitFor();
    const there = await during(async () => {
      await legend.getByText('second').click();
      await page.locator('h1', { hasText: 'second' }).waitFor();
      await page.goBack();
      await legend.getByText('third').waitFor();
    });
    expect(there('POST', '/api/v1/runs/get')).toBe(0);

    // While the smaller set loads, the comparison it replaces stays instead of giving way to a loading screen.
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      void page.route('**/api/v1/runs/get', async (route) => {
        resolve();
        await new Promise<void>((done) => (release = done));
        await route.continue();
      });
    });
    await page.getByRole('button', { name: 'Remove third' }).click();
    await held;
    expect(await legend.getByText('second').isVisible()).toBe(true);
    expect(await page.getByText('Loading runs…').count()).toBe(0);
    release();
    await expect.poll(() => legend.getByText('third').count()).toBe(0);
    await page.unroute('**/api/v1/runs/get');
    expect(errors).toEqual([]);
  });
});
