import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../support/backends.js';
import { useTestServer } from '../support/test-server.js';
import { launchBrowser, watchErrors } from './support/browser.js';
import { ensureUiBuilt } from './support/build-ui.js';

describe('the run page badge for missing required metadata in Chromium', () => {
  const api = useTestServer(backends[0]!);
  let browser: Browser;
  let page: Page;
  let errors: string[];
  let experimentId: string;
  const runs: Record<string, string> = {};

  beforeAll(async () => {
    await ensureUiBuilt();
    const experiment = await api.call<{ experiment: { experimentId: string } }>('POST', '/api/v1/experiments', {
      name: 'guarded-ui',
    });
    experimentId = experiment.body.experiment.experimentId;
    await api.call('PUT', `/api/v1/experiments/${experimentId}/run-requirements`, {
      params: ['seed'],
      datasetInput: true,
    });
    for (const name of ['lacking', 'complete']) {
      const run = await api.call<{ run: { runId: string } }>('POST', '/api/v1/runs', { experimentId, runName: name });
      runs[name] = run.body.run.runId;
    }
    await api.call('POST', `/api/v1/runs/${runs.complete}/batch`, { params: { seed: '3' } });
    await api.call('POST', `/api/v1/runs/${runs.complete}/inputs`, {
      datasets: [{ name: 'orders', digest: 'd1', sourceType: 'local', source: '{}' }],
    });
    for (const id of Object.values(runs)) await api.call('PATCH', `/api/v1/runs/${id}`, { status: 'FINISHED' });
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 }, colorScheme: 'light' });
    errors = watchErrors(page);
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
  });

  it('lists what an incomplete run lacks beside its status, and shows nothing for a complete one', async () => {
    await page.goto(`${api.url}/experiments/${experimentId}/runs/${runs.lacking}`);
    const badge = page.getByTestId('completeness-badge');
    await badge.waitFor();
    expect(await badge.innerText()).toBe('incomplete: missing params.seed, inputs');
    expect(await badge.getAttribute('title')).toBe(
      "params.seed: param 'seed' is required\ninputs: a dataset input is required",
    );

    await page.goto(`${api.url}/experiments/${experimentId}/runs/${runs.complete}`);
    await page.locator('.run-title', { hasText: 'complete' }).waitFor();
    expect(await page.getByTestId('completeness-badge').count()).toBe(0);
    expect(errors).toEqual([]);
  });
});
