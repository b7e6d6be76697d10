import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, callAs, grant, ok } from '../access/access-fixture.js';
import { backends } from '../support/backends.js';
import { useTestServer } from '../support/test-server.js';
import { launchBrowser, screenshot, signedIn, watchErrors } from './support/browser.js';
import { ensureUiBuilt } from './support/build-ui.js';

const ANA = { name: 'ana', password: 'ana-password-1' };
const BO = { name: 'bo', password: 'bo-password-1' };

/**
 * Collaboration in the web UI: ana comments on a run mentioning bo, bo finds it in the inbox and follows it to the
 * run; ana sets a milestone on the experiment and sees its progress from the best run; ana makes bo and the vision
 * team the experiment's owners and filters the list by them; on a dataset's page she picks bo from the mention
 * suggestions, comments, and sets the dataset's owner team, which bo sees and may not change.
 */
describe.each(backends.slice(0, 1))('comments and milestones in the web UI on $name', (backend) => {
  const api = useTestServer(backend, {
    server: { auth: { enabled: true, adminToken: ADMIN_TOKEN, defaultRole: null } },
  });
  let browser: Browser;
  const ids = { experiment: '', run: '' };
  const admin = (method: string, path: string, body?: unknown) =>
    ok(callAs<Record<string, unknown>>(api.url, ADMIN_TOKEN, method, path, body));

  beforeAll(async () => {
    await ensureUiBuilt();
    for (const user of [ANA, BO]) await admin('POST', '/api/v1/users', user);
    const { experiment_id } = await admin('POST', '/api/2.0/mlflow/experiments/create', { name: 'churn' });
    ids.experiment = experiment_id as string;
    for (const auc of [0.81, 0.87]) {
      const { run } = (await admin('POST', '/api/2.0/mlflow/runs/create', {
        experiment_id,
        run_name: `auc-${auc}`,
      })) as { run: { info: { run_id: string } } };
      await admin('POST', '/api/2.0/mlflow/runs/log-batch', {
        run_id: run.info.run_id,
        metrics: [{ key: 'val_auc', value: auc, timestamp: 1, step: 0 }],
      });
      ids.run = run.info.run_id;
    }
    await grant(api.url, { role: 'editor', user: 'ana', experiment: ids.experiment });
    await grant(api.url, { role: 'reader', user: 'bo', experiment: ids.experiment });
    await admin('POST', '/api/v1/teams', { name: 'vision' });
    const unowned = await admin('POST', '/api/2.0/mlflow/experiments/create', { name: 'unowned' });
    await grant(api.url, { role: 'reader', user: 'ana', experiment: unowned.experiment_id as string });
    await admin('POST', '/api/v1/lineage/dataset-versions', {
      namespace: 'lake',
      name: 'orders',
      version: '2026-12-01',
      uri: 's3://lake/orders/2026-12-01',
      rowCount: 120_000,
    });
    await grant(api.url, { role: 'editor', user: 'ana', dataset: 'lake:orders' });
    browser = await launchBrowser();
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
  });

  it('adds a comment with a mention, and the mentioned user sees it in the inbox and on the run', async () => {
    const ana = await signedIn(browser, api.url, ANA);
    const anaErrors = watchErrors(ana.page);
    await ana.page.goto(`${api.url}/experiments/${ids.experiment}/runs/${ids.run}`);
    await ana.page.getByTestId('comment-input').fill('@bo this run **beats** the baseline; see `@nobody`');
    await ana.page.getByTestId('comment-submit').click();
    await ana.page.getByTestId('comment').getByText('beats').waitFor();
    await expect.poll(() => ana.page.getByTestId('comment-author').allTextContents()).toEqual(['ana']);
    await expect.poll(() => ana.page.getByTestId('comment-input').inputValue()).toBe('');
    await screenshot(ana.page, 'collaboration-comments');
    expect(anaErrors).toEqual([]);
    await ana.context.close();

    const bo = await signedIn(browser, api.url, BO);
    const boErrors = watchErrors(bo.page);
    await bo.page.getByTestId('unread-count').getByText('1').waitFor();
    await bo.page.getByTestId('notification-bell').click();
    await bo.page.waitForURL(`${api.url}/inbox`);
    const entry = bo.page.getByTestId('inbox').getByText("ana mentioned you on run 'auc-0.87'");
    await entry.waitFor();
    await entry.click();
    await bo.page.waitForURL(`${api.url}/experiments/${ids.experiment}/runs/${ids.run}`);
    await bo.page.getByTestId('comment').getByText('beats').waitFor();
    expect(boErrors).toEqual([]);
    await bo.context.close();
  });

  it('adds a milestone on the experiment and shows its progress from the best run', async () => {
    const { context, page } = await signedIn(browser, api.url, ANA);
    const errors = watchErrors(page);
    await page.goto(`${api.url}/experiments/${ids.experiment}`);
    await page.getByTestId('milestones').getByText('No milestones yet.').waitFor();
    await page.getByTestId('milestone-name').fill('Launch quality');
    await page.getByTestId('milestone-metric').fill('val_auc');
    await page.getByTestId('milestone-target').fill('0.9');
    await page.getByTestId('milestone-due').fill('2099-03-01');
    await page.getByTestId('milestone-submit').click();
    await expect.poll(() => page.getByTestId('milestone').count()).toBe(1);
    await expect.poll(() => page.getByTestId('milestone-best').textContent()).toBe('0.87');
    await expect.poll(() => page.getByTestId('milestone-status').textContent()).toBe('on track');
    await page.getByTestId('milestone').getByText('2099-03-01').waitFor();
    await screenshot(page, 'collaboration-milestones');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('sets owners on the experiment and filters the experiment list by them', async () => {
    const { context, page } = await signedIn(browser, api.url, ANA);
    const errors = watchErrors(page);
    await page.goto(`${api.url}/experiments/${ids.experiment}`);
    await expect.poll(() => page.getByTestId('owner-user').textContent()).toBe('—');
    await page.getByTestId('owners-edit').click();
    await page.getByTestId('owner-user-input').fill('bo');
    await page.getByTestId('owner-team-input').selectOption('vision');
    await page.getByTestId('owners-save').click();
    await expect.poll(() => page.getByTestId('owner-user').textContent()).toBe('bo');
    await expect.poll(() => page.getByTestId('owner-team').textContent()).toBe('vision');
    await screenshot(page, 'collaboration-owners');
    // The owning team leads to its dashboard.
    await page.getByTestId('owner-team').getByRole('link', { name: 'vision' }).click();
    await page.waitForURL(/\/teams\/vision\/dashboard$/);

    await page.goto(`${api.url}/`);
    await expect
      .poll(async () => (await page.getByTestId('experiment-owners').allTextContents()).sort())
      .toEqual(['bo · vision', '—']);
    await page.getByTestId('owner-filter-user').fill('bo');
    await page.getByTestId('owner-filter-user').press('Enter');
    await page.waitForURL(/owner=bo/);
    await expect.poll(() => page.getByTestId('experiment-owners').allTextContents()).toEqual(['bo · vision']);
    await page.getByTestId('owner-filter-user').fill('');
    await page.getByTestId('owner-filter-team').selectOption('vision');
    await expect.poll(() => page.locator('.experiments-table tbody tr').count()).toBe(1);
    expect(errors).toEqual([]);
    await context.close();

    // bo reads the experiment: he sees its owners but may not change them.
    const bo = await signedIn(browser, api.url, BO);
    await bo.page.goto(`${api.url}/experiments/${ids.experiment}`);
    await expect.poll(() => bo.page.getByTestId('owner-user').textContent()).toBe('bo');
    await expect.poll(() => bo.page.getByTestId('owners-edit').isDisabled()).toBe(true);
    await bo.context.close();
  });

  it("comments on a dataset's page with a mention picked from suggestions, and sets its owner team", async () => {
    const { context, page } = await signedIn(browser, api.url, ANA);
    const errors = watchErrors(page);
    await page.goto(`${api.url}/datasets/${encodeURIComponent('lake:orders')}`);
    await page.getByTestId('dataset-versions').getByRole('link', { name: '2026-12-01' }).waitFor();
    await page.getByTestId('comments').getByText('No comments yet.').waitFor();

    const input = page.getByTestId('comment-input');
    await input.click();
    await input.pressSequentially('Row count doubled, @b');
    await expect.poll(() => page.getByTestId('mention-option').allTextContents()).toEqual(['@bo']);
    await screenshot(page, 'collaboration-mention-suggestions');
    await input.press('Enter');
    await expect.poll(() => input.inputValue()).toBe('Row count doubled, @bo ');
    await input.pressSequentially('can you check?');
    await expect.poll(() => page.getByTestId('mention-suggestions').count()).toBe(0);
    await page.getByTestId('comment-submit').click();
    await page.getByTestId('comment').getByText('can you check?').waitFor();
    await expect.poll(() => page.getByTestId('comment-author').allTextContents()).toEqual(['ana']);

    await page.getByTestId('owners-edit').click();
    await page.getByTestId('owner-team-input').selectOption('vision');
    await page.getByTestId('owners-save').click();
    await expect.poll(() => page.getByTestId('owner-team').textContent()).toBe('vision');
    await screenshot(page, 'collaboration-dataset');
    expect(errors).toEqual([]);
    await context.close();

    // bo was mentioned and may read the dataset: he is told, sees the owners and the comment, and edits neither.
    const bo = await signedIn(browser, api.url, BO);
    const boErrors = watchErrors(bo.page);
    await bo.page.getByTestId('notification-bell').click();
    const told = bo.page.getByTestId('inbox').getByText("ana mentioned you on dataset 'lake:orders'");
    await told.waitFor();
    await told.click();
    await bo.page.waitForURL(`${api.url}/datasets/${encodeURIComponent('lake:orders')}`);
    await bo.page.getByTestId('comment').getByText('can you check?').waitFor();
    await expect.poll(() => bo.page.getByTestId('owner-team').textContent()).toBe('vision');
    await expect.poll(() => bo.page.getByTestId('owners-edit').isDisabled()).toBe(true);
    expect(boErrors).toEqual([]);
    await bo.context.close();
  });
});
