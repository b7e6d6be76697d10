import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, callAs, ok } from '../access/access-fixture.js';
import { backends } from '../support/backends.js';
import { useTestServer } from '../support/test-server.js';
import { launchBrowser, watchErrors } from './support/browser.js';
import { ensureUiBuilt } from './support/build-ui.js';

const RITA = { name: 'rita', password: 'rita-password-1' };

/**
 * The lineage page shows what the lineage API answers, and the API leaves out what the reader may not read: a run
 * that read a restricted dataset and an open one shows only the open one to a reader without a role on the
 * restricted dataset, with counts to match, and the restricted dataset cannot be made the page's starting node.
 */
describe('the lineage page on a server with access control, in Chromium', () => {
  const api = useTestServer(backends[0]!, { server: { auth: { enabled: true, adminToken: ADMIN_TOKEN } } });
  const admin = <T = Record<string, unknown>>(method: string, path: string, body?: unknown) =>
    ok(callAs<T>(api.url, ADMIN_TOKEN, method, `/api/v1${path}`, body));
  let browser: Browser;
  let page: Page;
  let errors: string[];
  let runNode = '';
  const versions: Record<string, string> = {};

  beforeAll(async () => {
    await ensureUiBuilt();
    await admin('POST', '/users', { name: RITA.name, password: RITA.password });
    const experiment = await admin<{ experiment: { experimentId: string } }>('POST', '/experiments', { name: 'churn' });
    const run = await admin<{ run: { runId: string } }>('POST', '/runs', {
      experimentId: experiment.experiment.experimentId,
      runName: 'train-churn',
    });
    runNode = `run:${run.run.runId}`;
    for (const name of ['customers', 'orders']) {
      const registered = await admin<{ nodeId: string }>('POST', '/lineage/dataset-versions', {
        namespace: 'warehouse',
        name,
        version: '1',
      });
      versions[name] = registered.nodeId;
      await admin('POST', '/lineage/edges', { from: registered.nodeId, to: runNode, type: 'consumed' });
    }
    await admin('PUT', '/restrictions', { dataset: 'warehouse:customers', restricted: true });
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1280, height: 860 }, colorScheme: 'light' });
    page.setDefaultTimeout(15_000);
    errors = watchErrors(page);
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
  });

  it('draws only what the reader may read, and refuses a hidden starting node', async () => {
    await page.goto(`${api.url}/lineage?node=${encodeURIComponent(runNode)}`);
    await page.waitForURL(/\/sign-in/);
    await page.getByLabel('User name').fill(RITA.name);
    await page.getByLabel('Password').fill(RITA.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.waitForURL(/\/lineage\?node=run/);
    await page.locator('.lineage-node', { hasText: 'warehouse/orders@1' }).waitFor();
    await expect.poll(() => page.getByTestId('lineage-canvas').getAttribute('data-layout')).toBe('ready');
    expect(await page.locator('.lineage-node', { hasText: 'customers' }).count()).toBe(0);
    expect(await page.getByTestId('lineage-counts').textContent()).toBe('2 nodes · 1 edges');
    expect(await page.getByTestId('lineage-story').textContent()).not.toContain('customers');

    // The administrator's view of the same run holds both datasets: the reader's is smaller for her alone.
    const full = await admin<{ nodes: unknown[] }>('GET', `/lineage/upstream?nodeId=${encodeURIComponent(runNode)}`);
    expect(full.nodes).toHaveLength(2);

    await page.goto(`${api.url}/lineage?node=${encodeURIComponent(versions.customers!)}`);
    await page.getByTestId('permission-denied').waitFor();
    expect(await page.locator('.lineage-node').count()).toBe(0);
    expect(errors).toEqual([]);
  });
});
