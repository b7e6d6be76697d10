import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, callAs, ok } from '../access/access-fixture.js';
import { backends } from '../support/backends.js';
import { given } from '../support/builders.js';
import { useTestServer } from '../support/test-server.js';
import { launchBrowser, screenshot, watchErrors } from './support/browser.js';
import { ensureUiBuilt } from './support/build-ui.js';

/**
 * The search page over models, an experiment and runs made through the native API: completion of a misspelled word
 * picked with the keyboard from the top bar, results grouped by type with highlights, a facet narrowing results and
 * counts (kept in the URL), a metric range, paging forward and back, a created-date range, and a result followed to
 * its page.
 */
describe('the search page in the web UI in Chromium', () => {
  const api = useTestServer(backends[0]!);
  let browser: Browser;
  let page: Page;
  let errors: string[];
  let bestRunId = '';

  beforeAll(async () => {
    await ensureUiBuilt();
    const build = given(api);
    await build.registeredModel('fraud-detector', { description: 'Flags card fraud at checkout.', ownerTeam: 'risk' });
    await build.registeredModel('fraud-scorer', {
      description: 'Scores fraud risk of transfers.',
      ownerTeam: 'growth',
    });
    await build.registeredModel('churn-predictor', { description: 'Predicts churn.', ownerTeam: 'growth' });
    const experiment = await build.experiment('fraud-training');
    for (const [name, auc] of [
      ['fraud-baseline', 0.81],
      ['fraud-tuned', 0.93],
    ] as const) {
      const run = await experiment.run({ runName: name });
      await run.log({ metrics: [{ key: 'auc', value: auc, step: 0 }], tags: { team: 'risk' } });
      if (auc > 0.9) bestRunId = run.runId;
    }
    // More runs than one page holds (25), to page through.
    const sweeps = await build.experiment('sweeps');
    for (let i = 0; i < 27; i++) await sweeps.run({ runName: `sweep-${i}` });
    // Thirty runs started on known days: twenty in January 2025, then ten on 1–10 March 2025, at noon UTC.
    const archive = await build.experiment('archive');
    for (let i = 0; i < 30; i++) {
      const startTime = i < 20 ? Date.UTC(2025, 0, i + 1, 12) : Date.UTC(2025, 2, i - 19, 12);
      await archive.run({ runName: `archived-${String(i).padStart(2, '0')}`, startTime });
    }
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 }, colorScheme: 'light' });
    page.setDefaultTimeout(10_000);
    errors = watchErrors(page);
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
  });

  const hits = () =>
    page
      .locator('[data-testid="search-results"] [data-hit]')
      .evaluateAll((rows) =>
        rows.map((row) => row.getAttribute('data-hit')?.split(':')[0] + ':' + row.querySelector('a')?.textContent),
      );
  const count = (facet: string, value: string) =>
    page.locator(`[data-facet="${facet}"] [data-value="${value}"] .facet-count`).textContent();

  it('completes a misspelled word from the top bar and picks the suggestion with the keyboard', async () => {
    await page.goto(`${api.url}/`);
    const box = page.getByTestId('topbar-search');
    await box.pressSequentially('fruad', { delay: 30 });
    const options = page.getByTestId('topbar-search-suggestions').getByRole('option');
    await expect
      .poll(() => options.allTextContents())
      .toEqual(expect.arrayContaining([expect.stringMatching(/^fraud/)]));
    const values = await options.evaluateAll((els) => els.map((el) => el.firstElementChild?.textContent ?? ''));
    const target = values.indexOf('fraud-detector');
    expect(target, `suggestions: ${values.join(', ')}`).toBeGreaterThanOrEqual(0);
    for (let i = 0; i <= target; i++) await box.press('ArrowDown');
    expect(await options.nth(target).getAttribute('aria-selected')).toBe('true');
    await box.press('Enter');
    await page.waitForURL(`${api.url}/search?q=fraud-detector`);
    await expect.poll(hits).toContain('model:fraud-detector');
    expect(await page.locator('[data-hit^="model:"] mark').first().textContent()).toMatch(/fraud/i);
  });

  it('narrows results and counts by a facet, kept in the URL, and by a metric range', async () => {
    const box = page.getByTestId('search-page-input');
    await box.fill('fraud');
    await box.press('Enter');
    await page.waitForURL(`${api.url}/search?q=fraud`);
    await expect
      .poll(hits)
      .toEqual(expect.arrayContaining(['model:fraud-detector', 'model:fraud-scorer', 'experiment:fraud-training']));
    expect(await hits()).not.toContain('model:churn-predictor');
    expect(await count('type', 'model')).toBe('2');
    expect(await count('team', 'growth')).toBe('1');
    await screenshot(page, 'search-page');

    // The box is checked once the URL holds the facet (its state is the URL), so the click is followed by a wait for
    // both rather than an immediate read.
    const riskBox = page.locator('[data-facet="team"] [data-value="risk"]').getByRole('checkbox');
    await riskBox.click();
    await page.waitForURL((url) => url.searchParams.getAll('facet').includes('team=risk'));
    await expect.poll(() => riskBox.isChecked()).toBe(true);
    await expect.poll(hits).toEqual(['model:fraud-detector']);
    expect(await count('type', 'model')).toBe('1');

    // Reloading keeps the search and the facet: its state is the URL.
    await page.reload();
    await expect.poll(hits).toEqual(['model:fraud-detector']);
    expect(await page.locator('[data-facet="team"] [data-value="risk"] input').isChecked()).toBe(true);

    await page.goto(`${api.url}/search?q=fraud&type=run`);
    await expect.poll(hits).toHaveLength(2);
    await page.getByLabel('auc min').fill('0.9');
    await page.getByLabel('auc min').press('Enter');
    await page.waitForURL((url) => url.searchParams.getAll('facet').includes('metric.auc=0.9..'));
    await expect.poll(hits).toEqual(['run:fraud-tuned']);
    await page.getByRole('button', { name: 'Remove metric.auc=0.9..' }).click();
    await expect.poll(hits).toHaveLength(2);
    await page.goBack();
    await expect.poll(hits).toEqual(['run:fraud-tuned']);
  });

  it('pages through results, the page in the URL', async () => {
    await page.goto(`${api.url}/search?q=sweep&type=run`);
    await expect.poll(() => page.getByTestId('search-total').textContent()).toBe('27 results');
    expect(await hits()).toHaveLength(25);
    const first = await hits();
    await page.getByTestId('search-next').click();
    await page.waitForURL((url) => url.searchParams.has('page'));
    await expect.poll(hits).toHaveLength(2);
    expect(first).not.toContain((await hits())[0]);
    expect(await page.getByTestId('search-next').count()).toBe(0);
    await page.getByRole('link', { name: 'First page' }).click();
    await expect.poll(hits).toEqual(first);
  });

  it('pages forward and back with its buttons and the browser, and filters by created date', async () => {
    await page.goto(`${api.url}/search?q=archived&type=run`);
    await expect.poll(() => page.getByTestId('search-total').textContent()).toBe('30 results');
    await expect.poll(hits).toHaveLength(25);
    const first = await hits();
    expect(await page.getByTestId('search-previous').count()).toBe(0);
    // The created dates of the results, spanned in the facet's legend.
    expect(await page.locator('[data-facet="created"] legend').textContent()).toContain('2025-01-01 – 2025-03-10');

    await page.getByTestId('search-next').click();
    await page.waitForURL((url) => url.searchParams.has('page'));
    await expect.poll(hits).toHaveLength(5);
    const second = await hits();
    expect(new Set([...first, ...second]).size).toBe(30);
    const secondUrl = page.url();

    await page.getByTestId('search-previous').click();
    await expect.poll(hits).toEqual(first);
    expect(await page.getByTestId('search-previous').count()).toBe(0);
    expect(new URL(page.url()).searchParams.get('q')).toBe('archived');
    expect(new URL(page.url()).searchParams.getAll('type')).toEqual(['run']);

    // Each page was a step in the history: Back returns to the second page, Forward to the first again.
    await page.goBack();
    await expect.poll(() => page.url()).toBe(secondUrl);
    await expect.poll(hits).toEqual(second);
    await page.goForward();
    await expect.poll(hits).toEqual(first);

    // From 1 March: the ten March runs, on one page.
    await page.getByLabel('Created from').fill('2025-03-01');
    await page.waitForURL((url) => url.searchParams.getAll('facet').includes('created=2025-03-01..'));
    await expect.poll(() => page.getByTestId('search-total').textContent()).toBe('10 results');
    expect((await hits()).sort()).toEqual(Array.from({ length: 10 }, (_, i) => `run:archived-${20 + i}`));
    expect(await page.getByTestId('search-next').count()).toBe(0);
    // To 5 March, that day included: runs started at noon on 1–5 March.
    await page.getByLabel('Created to').fill('2025-03-05');
    await page.waitForURL((url) =>
      url.searchParams.getAll('facet').includes('created=2025-03-01..2025-03-05T23:59:59.999Z'),
    );
    await expect.poll(() => page.getByTestId('search-total').textContent()).toBe('5 results');
    expect(await page.locator('[data-facet="chosen"]').textContent()).toContain('Created 2025-03-01 – 2025-03-05');
    expect((await hits()).sort()).toEqual(Array.from({ length: 5 }, (_, i) => `run:archived-${20 + i}`));
    await screenshot(page, 'search-dates');
    // The range survives a reload, and Back undoes the last change.
    await page.reload();
    await expect.poll(() => page.getByTestId('search-total').textContent()).toBe('5 results');
    expect(await page.getByLabel('Created from').inputValue()).toBe('2025-03-01');
    expect(await page.getByLabel('Created to').inputValue()).toBe('2025-03-05');
    await page.goBack();
    await expect.poll(() => page.getByTestId('search-total').textContent()).toBe('10 results');
    expect(await page.getByLabel('Created to').inputValue()).toBe('');
    // Nothing was updated in January after the March runs ended: an updated range can empty the results.
    await page.getByLabel('Updated to').fill('2025-01-31');
    await expect.poll(() => page.getByTestId('search-total').textContent()).toBe('0 results');
    expect(errors).toEqual([]);
  });

  it('follows a result to its page', async () => {
    await page.goto(`${api.url}/search?q=fraud&type=run&facet=metric.auc%3D0.9..`);
    await page.locator('[data-hit^="run:"] a').click();
    await page.waitForURL((url) => url.pathname.endsWith(`/runs/${bestRunId}`));
    await page.getByText('fraud-tuned').first().waitFor();

    await page.goto(`${api.url}/search?q=fraud&type=model`);
    await page.locator('[data-hit^="model:"] a', { hasText: 'fraud-scorer' }).click();
    await page.waitForURL(`${api.url}/models/fraud-scorer`);
    await page.getByText('Scores fraud risk of transfers.').first().waitFor();
    expect(errors).toEqual([]);
  });

  const opens = async () =>
    (await api.server.store.db.selectFrom('search_opens').select(['query_key', 'doc_id']).execute()).map(
      (o) => `${o.query_key} -> ${o.doc_id}`,
    );

  it('records which result was opened after which query, unless told not to', async () => {
    await expect.poll(opens).toContain(`fraud -> run:${bestRunId}`);
    const scorer = (
      await api.server.store.db
        .selectFrom('search_documents')
        .select('doc_id')
        .where('name', '=', 'fraud-scorer')
        .executeTakeFirstOrThrow()
    ).doc_id;
    expect(await opens()).toContain(`fraud -> ${scorer}`);

    await page.goto(`${api.url}/search?q=churn&type=model`);
    const learn = page.getByTestId('search-learn');
    expect(await learn.isChecked()).toBe(true);
    await learn.uncheck();
    await expect
      .poll(() => api.call('GET', '/api/v1/search/usage-preference').then((r) => r.body))
      .toEqual({
        recordOpens: false,
      });
    // Turning it off forgot what was recorded, and nothing more is.
    await expect.poll(opens).toEqual([]);
    await page.locator('[data-hit^="model:"] a', { hasText: 'churn-predictor' }).click();
    await page.waitForURL(`${api.url}/models/churn-predictor`);
    await page.goBack();
    await expect.poll(() => learn.isChecked()).toBe(false);
    expect(await opens()).toEqual([]);
    await learn.check();
    await expect.poll(() => learn.isChecked()).toBe(true);
    expect(errors).toEqual([]);
  });

  it('saves a search and opens it again by its link', async () => {
    await page.goto(`${api.url}/search?q=fraud&type=model&facet=team%3Drisk`);
    await expect.poll(hits).toEqual(['model:fraud-detector']);
    await page.getByLabel('Name of the saved search').fill('risk fraud models');
    await page.getByRole('button', { name: 'Save search' }).click();
    const link = page.getByTestId('saved-search-link');
    await link.waitFor();
    const href = await link.getAttribute('href');
    expect(href).toMatch(/^\/searches\/[0-9a-f]{32}$/);
    await screenshot(page, 'search-saved');

    await page.goto(`${api.url}/search`);
    await page.goto(`${api.url}${href}`);
    await page.waitForURL(
      (url) => url.pathname === '/search' && url.searchParams.getAll('facet').includes('team=risk'),
    );
    expect(new URL(page.url()).searchParams.get('q')).toBe('fraud');
    await expect.poll(hits).toEqual(['model:fraud-detector']);

    await page.goto(`${api.url}/searches/not-a-saved-search`);
    await page.getByText(/does not exist/).waitFor();
  });
});

const SAM = { name: 'sam', password: 'sam-password-1' };

/**
 * Saved searches for a signed-in user: save a search, subscribe to it, be told in the inbox of a new result made
 * over HTTP, follow the notification to the saved search, unsubscribe, and open it again from the list of saved
 * searches on the search page.
 */
describe('saved searches and their subscriptions in the web UI in Chromium', () => {
  const api = useTestServer(backends[0]!, { server: { auth: { enabled: true, adminToken: ADMIN_TOKEN } } });
  let browser: Browser;
  let page: Page;
  let errors: string[];
  const admin = (method: string, path: string, body?: unknown) => ok(callAs(api.url, ADMIN_TOKEN, method, path, body));
  const hits = () =>
    page
      .locator('[data-testid="search-results"] [data-hit]')
      .evaluateAll((rows) => rows.map((row) => row.querySelector('a')?.textContent ?? ''));
  /** Asked in the page, with the session's own cookie, as the UI asks. */
  const inPage = <T>(path: string) =>
    page.evaluate(async (url) => (await fetch(url, { credentials: 'same-origin' })).json(), path) as Promise<T>;

  beforeAll(async () => {
    await ensureUiBuilt();
    await admin('POST', '/api/v1/users', { name: SAM.name, password: SAM.password });
    await admin('POST', '/api/v1/registered-models', { name: 'fraud-detector', description: 'Flags card fraud.' });
    await admin('POST', '/api/v1/registered-models', { name: 'churn-predictor', description: 'Predicts churn.' });
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 }, colorScheme: 'light' });
    page.setDefaultTimeout(10_000);
    errors = watchErrors(page);
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
  });

  let savedPath = '';

  it('saves a search and subscribes to it', async () => {
    await page.goto(`${api.url}/`);
    await page.getByLabel('User name').fill(SAM.name);
    await page.getByLabel('Password').fill(SAM.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByTestId('notification-bell').waitFor();

    await page.goto(`${api.url}/search?q=fraud&type=model`);
    await expect.poll(hits).toEqual(['fraud-detector']);
    await page.getByLabel('Name of the saved search').fill('fraud models');
    await page.getByRole('button', { name: 'Save search' }).click();
    const link = page.getByTestId('saved-search-link');
    await link.waitFor();
    savedPath = (await link.getAttribute('href')) ?? '';
    expect(savedPath).toMatch(/^\/searches\/[0-9a-f]{32}$/);
    const subscribe = page.getByTestId('saved-search-subscribe');
    expect(await subscribe.textContent()).toBe('Subscribe');
    await subscribe.click();
    await expect.poll(() => subscribe.textContent()).toBe('Unsubscribe');
    const id = savedPath.split('/').pop();
    expect(await inPage(`/api/v1/saved-searches/${id}/subscription`)).toEqual({ subscribed: true });
    expect(errors).toEqual([]);
  });

  it('tells the subscriber of a new matching result, and the notification opens the saved search', async () => {
    await admin('POST', '/api/v1/registered-models', { name: 'fraud-scorer', description: 'Scores fraud risk.' });
    await admin('POST', '/api/v1/registered-models', { name: 'churn-explainer' });
    type Inbox = { notifications: { kind: string; subject: string }[] };
    await expect
      .poll(async () => (await inPage<Inbox>('/api/v1/notifications')).notifications.map((n) => n.subject), {
        timeout: 15_000,
      })
      .toEqual(['1 new result for “fraud models”']);
    // The bell counts it once the page asks again.
    await page.reload();
    await page.getByTestId('unread-count').getByText('1').waitFor();
    await page.getByTestId('notification-bell').click();
    await page.waitForURL(`${api.url}/inbox`);
    const notice = page.getByTestId('inbox').locator('li').first();
    await notice.getByText('New results of a saved search').waitFor();
    expect(await notice.locator('.inbox-body').textContent()).toBe('- fraud-scorer (model)');
    await screenshot(page, 'search-saved-inbox');

    await notice.getByRole('link', { name: '1 new result for “fraud models”' }).click();
    await page.waitForURL((url) => url.pathname === '/search' && url.searchParams.get('saved') !== null);
    expect(new URL(page.url()).searchParams.get('q')).toBe('fraud');
    await expect.poll(hits).toEqual(expect.arrayContaining(['fraud-detector', 'fraud-scorer']));
    expect(await hits()).toHaveLength(2);
    const bar = page.getByTestId('saved-search-bar');
    expect(await bar.textContent()).toContain('“fraud models”');
    expect(await bar.getByRole('link').getAttribute('href')).toBe(savedPath);
    await expect.poll(() => bar.getByTestId('saved-search-subscribe').textContent()).toBe('Unsubscribe');
    await screenshot(page, 'search-saved-subscribed');
    expect(errors).toEqual([]);
  });

  it('unsubscribes, and opens the saved search again from the list on the search page', async () => {
    const id = savedPath.split('/').pop();
    await page.getByTestId('saved-search-bar').getByTestId('saved-search-subscribe').click();
    await expect
      .poll(() => page.getByTestId('saved-search-bar').getByTestId('saved-search-subscribe').textContent())
      .toBe('Subscribe');
    expect(await inPage(`/api/v1/saved-searches/${id}/subscription`)).toEqual({ subscribed: false });

    await page.goto(`${api.url}/search?q=churn`);
    expect(await page.getByTestId('saved-search-bar').count()).toBe(0);
    await page.getByTestId('saved-searches').getByText('Saved searches').click();
    const entry = page.getByTestId('saved-searches').getByRole('link', { name: 'fraud models' });
    expect(await entry.getAttribute('href')).toBe(savedPath);
    await screenshot(page, 'search-saved-list');
    await entry.click();
    await page.waitForURL((url) => url.pathname === '/search' && url.searchParams.get('saved') === id);
    await expect.poll(hits).toEqual(expect.arrayContaining(['fraud-detector', 'fraud-scorer']));
    expect(await page.getByTestId('saved-search-bar').textContent()).toContain('“fraud models”');
    expect(errors).toEqual([]);
  });
});
