import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, callAs, ok } from '../access/access-fixture.js';
import { backends } from '../support/backends.js';
import { useTestServer } from '../support/test-server.js';
import { launchBrowser, screenshot, watchErrors } from './support/browser.js';
import { ensureUiBuilt } from './support/build-ui.js';

const RITA = { name: 'rita', password: 'rita-password-1' };
const ADA = { name: 'ada', password: 'ada-password-1' };

/**
 * Access control as people meet it in the browser: signing in and out, lists without what the user may not read,
 * administration pages only for administrators, and a role granted through the Permissions page taking effect.
 */
describe.each(backends)('access control in the web UI on $name', (backend) => {
  const api = useTestServer(backend, { server: { auth: { enabled: true, adminToken: ADMIN_TOKEN } } });
  let browser: Browser;
  const ids = { open: '', secret: '', openRun: '' };
  const contexts: { rita?: BrowserContext; ada?: BrowserContext } = {};
  const pages: { rita?: Page; ada?: Page } = {};
  const errors: string[][] = [];
  const shot = (page: Page, name: string) => screenshot(page, `${backend.name}-${name}`);
  const admin = (method: string, path: string, body?: unknown) => ok(callAs(api.url, ADMIN_TOKEN, method, path, body));

  beforeAll(async () => {
    await ensureUiBuilt();
    // The built-in admin has only a token: a second administrator with a password signs in to the UI.
    await admin('POST', '/api/v1/users', { name: RITA.name, password: RITA.password, displayName: 'Rita Reader' });
    await admin('POST', '/api/v1/users', { name: ADA.name, password: ADA.password, admin: true });
    for (const name of ['open', 'secret'] as const) {
      const created = await admin('POST', '/api/v1/experiments', { name: `${name}-experiment` });
      ids[name] = (created as { experiment: { experimentId: string } }).experiment.experimentId;
    }
    const run = await admin('POST', '/api/v1/runs', { experimentId: ids.open, runName: 'open-run' });
    ids.openRun = (run as { run: { runId: string } }).run.runId;
    await admin('PUT', '/api/v1/restrictions', { experiment: ids.secret, restricted: true });
    browser = await launchBrowser();
    // One browser context each, so each has its own session cookie.
    for (const who of ['rita', 'ada'] as const) {
      contexts[who] = await browser.newContext({ viewport: { width: 1280, height: 860 }, colorScheme: 'light' });
      pages[who] = await contexts[who].newPage();
      pages[who].setDefaultTimeout(10_000);
      errors.push(watchErrors(pages[who]));
    }
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
  });

  const signIn = async (page: Page, who: { name: string; password: string }) => {
    await page.getByLabel('User name').fill(who.name);
    await page.getByLabel('Password').fill(who.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  };
  const experimentRow = (page: Page, name: string) => page.locator('tbody tr', { hasText: name });

  it('sends someone not signed in to the sign-in page and back to where they were going', async () => {
    const page = pages.rita!;
    await page.goto(`${api.url}/experiments/${ids.open}`);
    await page.waitForURL(/\/sign-in\?next=/);
    // This server has no single sign-on: no such button.
    expect(await page.getByText('Sign in with SSO').count()).toBe(0);
    await shot(page, 'sign-in');
    await signIn(page, { name: RITA.name, password: 'not-her-password' });
    await page.getByRole('alert').getByText('wrong').waitFor();
    await signIn(page, RITA);
    await page.waitForURL(`${api.url}/experiments/${ids.open}`);
    await page.locator('tr[data-run-id]').first().waitFor();
    await page.getByTestId('user-menu').getByText('Rita Reader').waitFor();
  });

  it('shows a user only the experiments she may read, and no administration', async () => {
    const page = pages.rita!;
    await page.goto(`${api.url}/`);
    await experimentRow(page, 'open-experiment').waitFor();
    expect(await experimentRow(page, 'secret-experiment').count()).toBe(0);
    expect(await page.locator('.topbar nav a', { hasText: 'Admin' }).count()).toBe(0);

    await page.goto(`${api.url}/experiments/${ids.secret}`);
    await page.getByTestId('permission-denied').waitFor();
    expect(await page.getByTestId('permission-denied').innerText()).toMatch(/don't have permission/);

    await page.goto(`${api.url}/admin/permissions`);
    await page.getByTestId('permission-denied').waitFor();
    expect(await page.getByTestId('permissions-table').count()).toBe(0);
    expect(errors[0]).toEqual([]);
  });

  it('offers a reader no notes editor on a run', async () => {
    const page = pages.rita!;
    await page.goto(`${api.url}/experiments/${ids.open}/runs/${ids.openRun}`);
    await page.getByTestId('notes').getByText('No notes yet.').waitFor();
    // The role is asked before the button could show; wait for the answer, then look.
    await page.waitForLoadState('networkidle');
    expect(await page.getByTestId('notes').getByRole('button').count()).toBe(0);
  });

  it('offers a reader no renaming, deleting or tag editing of runs and experiments', async () => {
    const page = pages.rita!;
    await page.goto(`${api.url}/experiments/${ids.open}/runs/${ids.openRun}`);
    await page.getByTestId('notes').getByText('No notes yet.').waitFor();
    await page.waitForLoadState('networkidle');
    expect(await page.getByRole('button', { name: 'Rename' }).isDisabled()).toBe(true);
    expect(await page.getByTestId('delete-run').isDisabled()).toBe(true);
    expect(await page.getByRole('button', { name: 'Add tag' }).count()).toBe(0);

    await page.goto(`${api.url}/experiments/${ids.open}`);
    await page.getByLabel('Select open-run').check();
    await page.waitForLoadState('networkidle');
    expect(await page.getByTestId('delete-runs').isDisabled()).toBe(true);
    expect(await page.getByTestId('delete-experiment').isDisabled()).toBe(true);
    expect(await page.getByRole('button', { name: 'Rename' }).isDisabled()).toBe(true);
    const run = await admin('GET', `/api/v1/runs/${ids.openRun}`);
    expect((run as { run: { lifecycleStage: string } }).run.lifecycleStage).toBe('active');
    expect(errors[0]).toEqual([]);
  });

  it('lets an administrator grant a role through the Permissions page', async () => {
    const page = pages.ada!;
    await page.goto(`${api.url}/admin/permissions`);
    await page.waitForURL(/\/sign-in/);
    await signIn(page, ADA);
    await page.waitForURL(`${api.url}/admin/permissions`);
    await page.locator('[data-restricted]', { hasText: 'secret-experiment' }).waitFor();

    const form = page.getByRole('form', { name: 'Grant a role' });
    await form.getByLabel('Role', { exact: true }).selectOption('reader');
    await form.getByLabel('Grant to').selectOption('user');
    await form.getByLabel('User', { exact: true }).selectOption(RITA.name);
    await form.getByLabel('Resource kind').selectOption('experiment');
    await form.getByLabel('Experiment').selectOption({ label: 'secret-experiment' });
    await form.getByRole('button', { name: 'Grant' }).click();
    const granted = page.locator(`[data-binding="rita reader experiment ${ids.secret}"]`);
    await granted.waitFor();
    expect(await granted.innerText()).toContain('secret-experiment');
    await shot(page, 'admin-permissions');

    const bindings = await admin('GET', `/api/v1/permissions?experiment=${ids.secret}`);
    expect((bindings as { permissions: unknown[] }).permissions).toContainEqual(
      expect.objectContaining({ role: 'reader', subject: { kind: 'user', name: 'rita' } }),
    );
    // An administrator may edit everything: the notes editor the reader was not offered is there.
    await page.goto(`${api.url}/experiments/${ids.open}/runs/${ids.openRun}`);
    await page.getByTestId('notes').getByRole('button', { name: 'Add notes' }).waitFor();
    expect(errors[1]).toEqual([]);
  });

  it('shows the granted experiment to the user after a reload', async () => {
    const page = pages.rita!;
    await page.goto(`${api.url}/`);
    await experimentRow(page, 'secret-experiment').waitFor();
    await experimentRow(page, 'secret-experiment').locator('a').first().click();
    await page.waitForURL(`${api.url}/experiments/${ids.secret}`);
    await page.getByRole('heading', { name: 'secret-experiment' }).waitFor();
  });

  it('lets an administrator restrict a dataset and grant a role on it through the Permissions page', async () => {
    await admin('POST', '/api/v1/lineage/dataset-versions', {
      namespace: 'warehouse',
      name: 'customers',
      version: 'v1',
    });
    const page = pages.ada!;
    await page.goto(`${api.url}/admin/permissions`);
    const restrict = page.getByRole('form', { name: 'Restrict' });
    await restrict.getByLabel('Restrict kind').selectOption('dataset');
    await restrict.getByLabel('Dataset to restrict').fill('warehouse:customers');
    await restrict.getByRole('button', { name: 'Restrict' }).click();
    await page.locator('[data-restricted="dataset warehouse:customers"]').waitFor();
    // Rita's signed-in browser session is refused the restricted dataset until the role is granted.
    const ritaReads = () =>
      pages.rita!.evaluate(
        async () => (await fetch('/api/v1/lineage/dataset-versions?dataset=warehouse:customers')).status,
      );
    expect(await ritaReads()).toBe(403);
    const restrictions = (await admin('GET', '/api/v1/restrictions')) as { restrictions: unknown[] };
    expect(restrictions.restrictions).toContainEqual({ kind: 'dataset', id: 'warehouse:customers' });

    const grant = page.getByRole('form', { name: 'Grant a role' });
    await grant.getByLabel('Grant to').selectOption('user');
    await grant.getByLabel('User', { exact: true }).selectOption(RITA.name);
    await grant.getByLabel('Resource kind').selectOption('dataset');
    await grant.getByLabel('Dataset name').fill('warehouse:customers');
    await grant.getByRole('button', { name: 'Grant' }).click();
    await page.locator('[data-binding="rita reader dataset warehouse:customers"]').waitFor();
    const bindings = await admin('GET', '/api/v1/permissions?dataset=warehouse:customers');
    // Rita's grant, and the one the administrator was given as the dataset's creator.
    const dataset = { kind: 'dataset', id: 'warehouse:customers' };
    const permissions = (bindings as { permissions: unknown[] }).permissions;
    expect(permissions).toHaveLength(2);
    expect(permissions).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ role: 'reader', subject: { kind: 'user', name: RITA.name }, resource: dataset }),
        expect.objectContaining({ role: 'manager', subject: { kind: 'user', name: 'admin' }, resource: dataset }),
      ]),
    );
    expect(await ritaReads()).toBe(200);
  });

  it('lets an administrator manage users and tokens, the secret shown once', async () => {
    const page = pages.ada!;
    await page.locator('.topbar nav a', { hasText: 'Admin' }).click();
    await page.waitForURL(/\/admin\/users$/);
    const form = page.getByRole('form', { name: 'Create a user' });
    await form.getByLabel('User name').fill('bob');
    await form.getByRole('button', { name: 'Create user' }).click();
    const bob = page.locator('[data-user="bob"]');
    await bob.waitFor();
    await bob.getByRole('button', { name: 'Deactivate' }).click();
    await bob.getByText('deactivated').waitFor();
    const users = (await admin('GET', '/api/v1/users')) as { users: { name: string; active: boolean }[] };
    expect(users.users.find((u) => u.name === 'bob')?.active).toBe(false);

    await page.getByTestId('user-menu').getByRole('button').click();
    await page.getByRole('link', { name: 'My tokens' }).click();
    await page.waitForURL(/\/tokens$/);
    const tokens = page.getByRole('form', { name: 'Create a token' });
    await tokens.getByLabel('Token name').fill('laptop');
    await tokens.getByRole('button', { name: /Create token/ }).click();
    const secret = await page.getByLabel('New token').inputValue();
    expect(secret).toMatch(/^mnemo_/);
    const whoami = await fetch(`${api.url}/api/v1/auth/permissions?experiment=${ids.secret}`, {
      headers: { authorization: `Bearer ${secret}` },
    });
    expect(await whoami.json()).toEqual({ role: 'manager' });
    await page.locator('[data-token="laptop"]').getByRole('button', { name: 'Revoke' }).click();
    await page.locator('[data-token="laptop"]').getByText('revoked').waitFor();
    const refused = await fetch(`${api.url}/api/v1/auth/permissions?experiment=${ids.secret}`, {
      headers: { authorization: `Bearer ${secret}` },
    });
    expect(refused.status).toBe(401);
    expect(errors[1]).toEqual([]);
  });

  it('signs out, after which nothing shows but the sign-in page', async () => {
    const page = pages.rita!;
    await page.getByTestId('user-menu').getByRole('button').click();
    await page.getByRole('button', { name: 'Sign out' }).click();
    // Signing in again returns to the page signed out from.
    await page.waitForURL(`${api.url}/sign-in?next=${encodeURIComponent(`/experiments/${ids.secret}`)}`);
    await page.goto(`${api.url}/`);
    await page.waitForURL(/\/sign-in/);
    expect(await page.locator('.topbar').count()).toBe(0);
    const session = await page.evaluate(async () => (await fetch('/api/v1/auth/session')).json());
    expect(session).toMatchObject({ authEnabled: true, user: null });
    expect(errors[0]).toEqual([]);
  });
});
