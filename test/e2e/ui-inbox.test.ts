import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, callAs, grant, ok } from '../access/access-fixture.js';
import { backends } from '../support/backends.js';
import { useTestServer } from '../support/test-server.js';
import { modelWithVersion } from '../webhooks/support.js';
import { launchBrowser, screenshot, watchErrors } from './support/browser.js';
import { ensureUiBuilt } from './support/build-ui.js';

const MONA = { name: 'mona', password: 'mona-password-1' };

/** The bell counts unread notifications; the inbox lists them and marks them read. */
describe.each(backends.slice(0, 1))('the notification inbox in the web UI on $name', (backend) => {
  // The inbox is what is tested, not the approval a move to Production would otherwise need.
  const api = useTestServer(backend, {
    server: { auth: { enabled: true, adminToken: ADMIN_TOKEN }, protection: { stages: [] } },
  });
  let browser: Browser;
  let page: Page;
  let errors: string[];
  const admin = (method: string, path: string, body?: unknown) => ok(callAs(api.url, ADMIN_TOKEN, method, path, body));

  beforeAll(async () => {
    await ensureUiBuilt();
    await admin('POST', '/api/v1/users', { name: MONA.name, password: MONA.password });
    await modelWithVersion(api.url, 'watched');
    await grant(api.url, { role: 'manager', user: 'mona', model: 'watched' });
    await admin('POST', '/api/2.0/mlflow/model-versions/transition-stage', {
      name: 'watched',
      version: '1',
      stage: 'Production',
    });
    await admin('POST', '/api/v1/registered-models/watched/versions/1/checks', {
      checks: [{ kind: 'fairness', name: 'parity', passed: false }],
    });
    browser = await launchBrowser();
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 }, colorScheme: 'light' });
    page = await context.newPage();
    page.setDefaultTimeout(10_000);
    errors = watchErrors(page);
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
  });

  it('shows the unread count, lists the notification and clears the count once read', async () => {
    await page.goto(`${api.url}/`);
    await page.getByLabel('User name').fill(MONA.name);
    await page.getByLabel('Password').fill(MONA.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByTestId('unread-count').getByText('1').waitFor();
    await page.getByTestId('notification-bell').click();
    await page.waitForURL(`${api.url}/inbox`);
    await page.getByTestId('inbox').getByText('watched version 1 (Production) needs revalidation').waitFor();
    await screenshot(page, `${backend.name}-inbox`);
    await page.getByRole('button', { name: 'Mark read' }).click();
    await page.getByRole('button', { name: 'Mark all read' }).and(page.locator('[disabled]')).waitFor();
    await expect.poll(() => page.getByTestId('unread-count').count()).toBe(0);
    expect(errors).toEqual([]);
  });
});
