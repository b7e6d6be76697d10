import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, callAs, grant, ok, tokenFor } from '../access/access-fixture.js';
import { backends } from '../support/backends.js';
import { useTestServer } from '../support/test-server.js';
import { launchBrowser, screenshot, watchErrors } from './support/browser.js';
import { ensureUiBuilt } from './support/build-ui.js';

const MLFLOW = '/api/2.0/mlflow';
const MODEL = 'churn';
const REQUESTER = { name: 'rhea', password: 'rhea-password-1' };
const APPROVER = { name: 'bo', password: 'bo-password-1' };

/**
 * The governance views in a real browser: a requester's move to Production waits in /requests with the policy result
 * it would meet; the requester may not approve it (separation of duties); a manager does, and the version moves.
 * /audit then finds the move and proves it in the browser — and refuses a proof that was tampered with.
 */
describe.each(backends.slice(0, 1))('governance views in the web UI on $name', (backend) => {
  // Production stays protected (the server's default when auth is on): that is what is tested.
  const api = useTestServer(backend, {
    server: { auth: { enabled: true, adminToken: ADMIN_TOKEN, defaultRole: 'reader' } },
  });
  let browser: Browser;
  const pages: Record<string, Page> = {};
  const errors: string[][] = [];
  const admin = (method: string, path: string, body?: unknown) => ok(callAs(api.url, ADMIN_TOKEN, method, path, body));

  beforeAll(async () => {
    await ensureUiBuilt();
    for (const who of [REQUESTER, APPROVER]) await admin('POST', '/api/v1/users', who);
    const requester = await tokenFor(api.url, REQUESTER.name);
    const experiment = await admin('POST', `${MLFLOW}/experiments/create`, { name: 'churn-training' });
    const run = (await admin('POST', `${MLFLOW}/runs/create`, { experiment_id: experiment.experiment_id })) as {
      run: { info: { run_id: string } };
    };
    const runId = run.run.info.run_id;
    await admin('POST', `${MLFLOW}/runs/log-metric`, { run_id: runId, key: 'auc', value: 0.93, timestamp: 1, step: 0 });
    await admin('POST', `${MLFLOW}/registered-models/create`, { name: MODEL });
    await grant(api.url, { role: 'editor', user: REQUESTER.name, model: MODEL });
    await grant(api.url, { role: 'manager', user: APPROVER.name, model: MODEL });
    // Reading the audit log is reading the whole server.
    await grant(api.url, { role: 'reader', user: APPROVER.name, global: true });
    await admin('POST', `${MLFLOW}/model-versions/create`, {
      name: MODEL,
      source: `runs:/${runId}/model`,
      run_id: runId,
    });
    await admin('PUT', '/api/v1/policies/churn-auc-floor', {
      model: MODEL,
      target: { stage: 'Production' },
      rules: [{ name: 'auc-at-least-0.9', expression: 'run.metrics.auc >= 0.9' }],
    });
    // A stricter bar for the champion alias, which this version does not meet: its page shows the value read.
    await admin('PUT', `/api/v1/registered-models/${MODEL}/protection`, {
      stages: ['Production', 'Staging'],
      aliases: ['champion'],
    });
    await admin('PUT', '/api/v1/policies/churn-champion', {
      model: MODEL,
      target: { alias: 'champion' },
      rules: [{ name: 'champion-auc-bar', expression: 'run.metrics.auc >= 0.95' }],
    });
    const asked = await callAs(api.url, requester, 'POST', `/api/v1/registered-models/${MODEL}/versions/1/stage`, {
      stage: 'Production',
      reason: 'beats the champion on AUC',
    });
    expect(asked.status).toBe(202);
    await admin('POST', `${MLFLOW}/model-versions/create`, {
      name: MODEL,
      source: `runs:/${runId}/model`,
      run_id: runId,
    });
    const second = await callAs(api.url, requester, 'POST', `/api/v1/registered-models/${MODEL}/versions/2/stage`, {
      stage: 'Staging',
      reason: 'shadow traffic',
    });
    expect(second.status).toBe(202);

    browser = await launchBrowser();
    for (const who of [REQUESTER, APPROVER]) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme: 'light' });
      const page = await context.newPage();
      page.setDefaultTimeout(10_000);
      errors.push(watchErrors(page));
      await page.goto(`${api.url}/requests`);
      await page.getByLabel('User name').fill(who.name);
      await page.getByLabel('Password').fill(who.password);
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await page.waitForURL(`${api.url}/requests`);
      pages[who.name] = page;
    }
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
  });

  const request = (page: Page) => page.getByTestId('request').filter({ hasText: `${MODEL} v1` });

  it('shows the pending request with its policy result, and the server refuses the requester as approver', async () => {
    const page = pages[REQUESTER.name]!;
    const card = request(page);
    await card.getByTestId('request-reason').getByText('beats the champion on AUC').waitFor();
    await expect.poll(() => card.getByTestId('request-requester').textContent()).toBe(REQUESTER.name);
    await expect.poll(() => card.getByTestId('request-approvals').textContent()).toMatch(/^Approvals 0\/1/);
    const rule = card.getByTestId('policy-rule').filter({ hasText: 'auc-at-least-0.9' });
    await expect.poll(() => rule.getAttribute('data-passed')).toBe('true');
    await expect.poll(() => card.getByTestId('policy-verdict').textContent()).toBe('policies pass');

    await card.getByRole('button', { name: 'Approve' }).click();
    const refusal = card.getByTestId('request-error');
    await refusal.waitFor();
    expect(await refusal.textContent()).toMatch(/rule/);
    expect(await refusal.textContent()).toMatch(/own request|separation|requester/i);
    // Refused: nothing moved.
    const version = await admin('GET', `/api/v1/registered-models/${MODEL}/versions/1`);
    expect((version as { modelVersion: { stage: string } }).modelVersion.stage).toBe('None');
  });

  it('lets the approver approve from /requests, and the version page shows Production and its policies', async () => {
    const page = pages[APPROVER.name]!;
    const card = request(page);
    await card.getByTestId('policy-rule').first().waitFor();
    await screenshot(page, 'governance-requests');
    await card.getByRole('textbox', { name: 'Comment' }).fill('AUC holds on the holdout');
    await card.getByRole('button', { name: 'Approve' }).click();
    await card.waitFor({ state: 'detached' });

    // Rejecting takes a comment, which the decision keeps.
    const other = page.getByTestId('request').filter({ hasText: `${MODEL} v2` });
    const reject = other.getByRole('button', { name: 'Reject' });
    expect(await reject.isDisabled()).toBe(true);
    await other.getByRole('textbox', { name: 'Comment' }).fill('needs a holdout evaluation first');
    await reject.click();
    await page.getByText('No pending requests').waitFor();
    const rejected = (await admin('GET', '/api/v1/transition-requests?status=rejected')) as {
      transitionRequests: { version: number; decidedBy: string; decisionComment: string }[];
    };
    expect(rejected.transitionRequests).toEqual([
      expect.objectContaining({
        version: 2,
        decidedBy: APPROVER.name,
        decisionComment: 'needs a holdout evaluation first',
      }),
    ]);

    await page.goto(`${api.url}/models/${MODEL}/versions/1`);
    await page.getByTestId('version-page').getByText('Production', { exact: true }).first().waitFor();
    const policies = page.getByTestId('version-policies');
    const rule = policies.getByTestId('policy-rule').filter({ hasText: 'auc-at-least-0.9' });
    await expect.poll(() => rule.getAttribute('data-passed')).toBe('true');
    const champion = policies.getByTestId('policy-rule').filter({ hasText: 'champion-auc-bar' });
    await expect.poll(() => champion.getAttribute('data-passed')).toBe('false');
    expect(await champion.textContent()).toContain('run.metrics.auc = 0.93');
    await policies.scrollIntoViewIfNeeded();
    await screenshot(page, 'governance-version-policies');
  });

  it('filters /audit to the move, verifies its inclusion proof in the browser and refuses a tampered one', async () => {
    await admin('POST', '/api/v1/audit/checkpoints');
    const page = pages[APPROVER.name]!;
    await page.goto(`${api.url}/audit`);
    await page
      .getByTestId('audit-checkpoint')
      .getByText(/Last signed checkpoint/)
      .waitFor();
    const filters = page.getByTestId('audit-filters');
    await filters.getByLabel('Entity kind').fill('model_version');
    await filters.getByLabel('Action').fill('model_version.transition_stage');
    await filters.getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL(/entityKind=model_version/);
    const rows = page.getByTestId('audit-event');
    await expect.poll(() => rows.count()).toBe(1);
    const row = rows.first();
    expect(await row.textContent()).toContain(`${MODEL} v1`);

    const exported = await page.getByTestId('audit-export').getAttribute('href');
    expect(exported).toContain('action=model_version.transition_stage');
    const lines = await page.evaluate(async (href) => (await fetch(href!)).text(), exported);
    expect(
      lines
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).action),
    ).toEqual(['model_version.transition_stage']);

    await row.getByRole('button', { name: 'Verify' }).click();
    await expect.poll(() => row.getByTestId('verify-badge').getAttribute('data-verified')).toBe('true');
    await screenshot(page, 'governance-audit');

    // The same event, its proof altered on the way: the browser's own check must catch it.
    await page.route('**/api/v1/audit/events/*/proof', async (route) => {
      const response = await route.fetch();
      const proof = await response.json();
      proof.event.actor = 'mallory';
      await route.fulfill({ response, json: proof });
    });
    await page.reload();
    await row.getByRole('button', { name: 'Verify' }).click();
    await expect.poll(() => row.getByTestId('verify-badge').getAttribute('data-verified')).toBe('false');
    expect(await row.getByTestId('verify-badge').textContent()).toMatch(/not verified: .*edited/);

    await page.route('**/api/v1/audit/events/*/proof', async (route) => {
      const response = await route.fetch();
      const proof = await response.json();
      proof.inclusionPath = proof.inclusionPath.map((h: string) => h.replace(/^./, (c) => (c === '0' ? '1' : '0')));
      if (proof.inclusionPath.length === 0) proof.checkpoint.rootHash = 'f'.repeat(64);
      await route.fulfill({ response, json: proof });
    });
    await page.reload();
    await row.getByRole('button', { name: 'Verify' }).click();
    await expect.poll(() => row.getByTestId('verify-badge').textContent()).toMatch(/not verified: .*does not lead/);
    expect(errors.flat()).toEqual([]);
  });
});
