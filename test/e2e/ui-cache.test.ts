import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../support/backends.js';
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

  beforeAll(async () => {
    await ensureUiBuilt();
    const experiment = await api.call<{ experiment: { experimentId: string } }>('POST', '/api/v1/experiments', {
      name: 'cached-runs',
    });
    experimentId = experiment.body.experiment.experimentId;
    for (const name of ['first', 'second', 'third']) {
      const created = await api.call<{ run: { runId: string } }>('POST', '/api/v1/runs', {
        experimentId,
        runName: name,
      });
      // Finished runs, so the table's live refresh of RUNNING runs stays quiet and every search counted is a load.
      await api.call('PATCH', `/api/v1/runs/${created.body.run.runId}`, { status: 'FINISHED', endTime: Date.now() });
    }
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
});
