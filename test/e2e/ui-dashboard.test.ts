import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../support/backends.js';
import { given } from '../support/builders.js';
import { useTestServer } from '../support/test-server.js';
import { launchBrowser, screenshot, watchErrors } from './support/browser.js';
import { ensureUiBuilt } from './support/build-ui.js';

/** Validation loss of the ordinary runs: close together, so only the planted run lies outside them. */
const NORMAL = [0.41, 0.4, 0.42, 0.41, 0.39, 0.4, 0.41, 0.4, 0.42, 0.41];
const PLANTED = 1.37;

describe.each(backends)('experiment dashboard in Chromium on $name', (backend) => {
  const api = useTestServer(backend);
  let browser: Browser;
  let page: Page;
  let errors: string[];
  let experimentId = '';
  let plantedRunId = '';
  const normalRunIds: string[] = [];

  beforeAll(async () => {
    await ensureUiBuilt();
    const experiment = await given(api).experiment('fraud-dashboard');
    experimentId = experiment.experimentId;
    const start = Date.UTC(2026, 1, 2, 9, 0, 0);
    for (const [i, loss] of [...NORMAL, PLANTED].entries()) {
      const startTime = start + i * 3_600_000;
      const run = await experiment.run({ runName: i === NORMAL.length ? 'planted' : `nightly-${i}`, startTime });
      await run.log({
        metrics: [{ key: 'val_loss', value: loss, step: 0, timestamp: startTime + 10 }],
        // One ordinary run failed its data-quality check: listed under failed checks, not as an anomaly.
        ...(i === 3 ? { tags: { 'mnemo.data_quality': 'failed' } } : {}),
      });
      await run.finish('FINISHED', startTime + 60_000);
      if (i === NORMAL.length) plantedRunId = run.runId;
      else normalRunIds.push(run.runId);
    }
    // The team manages the experiment and owns a model trained by one of its runs.
    expect((await api.call('POST', '/api/v1/teams', { name: 'fraud-team' })).status).toBe(200);
    const managed = await api.call('POST', '/api/v1/permissions', {
      role: 'manager',
      team: 'fraud-team',
      experiment: experimentId,
    });
    expect(managed.status, JSON.stringify(managed.body)).toBe(200);
    expect(
      (await api.call('POST', '/api/v1/registered-models', { name: 'fraud-scorer', ownerTeam: 'fraud-team' })).status,
    ).toBe(201);
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 }, colorScheme: 'light' });
    errors = watchErrors(page);
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
  });

  it('flags the planted run with the threshold shown, and links the flag to the run', async () => {
    await page.goto(`${api.url}/experiments/${experimentId}`);
    await page.getByTestId('dashboard-tab').click();
    await page.waitForURL(/\/dashboard$/);
    const rows = page.locator('[data-testid="anomaly-table"] tbody tr');
    await expect.poll(() => rows.count()).toBe(1);
    const row = rows.first();
    expect(await row.getAttribute('data-run-id')).toBe(plantedRunId);
    expect(await row.getAttribute('data-metric')).toBe('val_loss');
    expect(await row.locator('td').allInnerTexts()).toEqual(
      expect.arrayContaining(['planted', 'val_loss', '1.37', '0.41', '3.5']),
    );
    expect(await page.getByTestId('anomaly-threshold').innerText()).toContain('exceeds 3.5');
    expect(await page.getByTestId('anomaly-threshold').innerText()).toContain('previous 20 finished runs');

    // The trend draws every run, the planted one as a flagged dot and no other.
    const chart = page.getByTestId('trend-val_loss');
    await expect.poll(() => chart.locator('circle.trend-dot').count()).toBe(11);
    expect(await chart.locator('circle.trend-dot-flagged').getAttribute('data-run-id')).toBe(plantedRunId);
    for (const id of normalRunIds) {
      expect(await chart.locator(`circle[data-run-id="${id}"]`).getAttribute('class')).toBe('trend-dot');
    }
    expect(await page.getByTestId('runs-by-user').locator('tbody tr').count()).toBe(1);
    const failed = page.locator('[data-testid="failed-checks"] tbody tr');
    expect(await failed.count()).toBe(1);
    expect(await failed.getAttribute('data-kind')).toBe('data_quality');
    expect(await failed.locator('a').getAttribute('href')).toBe(`/experiments/${experimentId}/runs/${normalRunIds[3]}`);
    // The controls show the defaults the server chose.
    await expect.poll(() => page.getByLabel('Threshold').inputValue()).toBe('3.5');
    expect(await page.getByLabel('Metrics').inputValue()).toBe('val_loss');
    await screenshot(page, `${backend.name}-dashboard`);

    // No run recorded its data, code or environment: the day's figure is 0 of 11, and opens onto those runs.
    const lineage = page.getByTestId('lineage-completeness');
    const runDay = lineage.locator('tr[data-kind="runs"]');
    expect(await runDay.count()).toBe(1);
    expect(await runDay.locator('td').nth(2).innerText()).toBe('0 / 11');
    await runDay.locator('summary').click();
    const behind = runDay.locator('li');
    expect(await behind.count()).toBe(11);
    expect(await behind.filter({ hasText: 'planted' }).innerText()).toContain('lacks data, code, environment');
    expect(await runDay.locator(`a[data-run-id="${plantedRunId}"]`).getAttribute('href')).toBe(
      `/experiments/${experimentId}/runs/${plantedRunId}`,
    );
    expect(await page.getByTestId('validation-summary').innerText()).toContain('No model version is in Production');
    await lineage.scrollIntoViewIfNeeded();
    await screenshot(page, `${backend.name}-dashboard-lineage`);

    await row.locator('a.anomaly-run').click();
    await page.waitForURL(new RegExp(`/runs/${plantedRunId}$`));
    await expect.poll(() => page.locator('.run-title').innerText()).toBe('planted');
    expect(errors).toEqual([]);
  });

  it('keeps a stricter threshold in the URL and flags more runs with it', async () => {
    await page.goto(`${api.url}/experiments/${experimentId}/dashboard?z=1`);
    const rows = page.locator('[data-testid="anomaly-table"] tbody tr');
    await expect.poll(() => rows.count()).toBeGreaterThan(1);
    expect(await page.getByTestId('anomaly-threshold').innerText()).toContain('exceeds 1 ');
    expect(await page.locator(`[data-testid="anomaly-table"] tr[data-run-id="${plantedRunId}"]`).count()).toBe(1);
    expect(errors).toEqual([]);
  });

  it("shows the team's dashboard with the planted run flagged and linked to its evidence", async () => {
    await page.goto(`${api.url}/teams/fraud-team/dashboard`);
    const rows = page.locator('[data-testid="anomaly-table"] tbody tr');
    await expect.poll(() => rows.count()).toBe(1);
    const row = rows.first();
    expect(await row.getAttribute('data-run-id')).toBe(plantedRunId);
    expect(await row.locator('td').allInnerTexts()).toEqual(
      expect.arrayContaining(['fraud-dashboard', 'planted', 'val_loss', '1.37', '0.41']),
    );
    expect(await page.getByTestId('anomaly-threshold').innerText()).toContain('of its own experiment');
    const experimentRow = page.locator(`[data-testid="team-experiments"] tr[data-experiment-id="${experimentId}"]`);
    expect(await experimentRow.locator('td').allInnerTexts()).toEqual(['fraud-dashboard', '11', '1', '1']);
    expect(await page.getByTestId('team-models').locator('a').innerText()).toBe('fraud-scorer');
    const chart = page.getByTestId('trend-val_loss');
    await expect.poll(() => chart.locator('circle.trend-dot').count()).toBe(11);
    expect(await chart.locator('circle.trend-dot-flagged').getAttribute('data-run-id')).toBe(plantedRunId);
    expect(await page.locator('[data-testid="failed-checks"] tbody tr').getAttribute('data-kind')).toBe('data_quality');
    expect(await page.getByTestId('lineage-completeness').locator('tr[data-kind="runs"] td').nth(2).innerText()).toBe(
      '0 / 11',
    );
    await screenshot(page, `${backend.name}-team-dashboard`);

    await row.locator('a.anomaly-run').click();
    await page.waitForURL(new RegExp(`/runs/${plantedRunId}$`));
    await expect.poll(() => page.locator('.run-title').innerText()).toBe('planted');
    expect(errors).toEqual([]);
  });
});
