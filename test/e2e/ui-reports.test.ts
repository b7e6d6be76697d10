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
 * Reports in the web UI: ana (editor) starts a report, writes a note, pins two runs from the runs table and adds a
 * chart of their metric, and moves the chart up; bo (reader) opens the report's URL in a fresh browser and sees the
 * note, the runs and the chart, without the editing tools.
 */
describe.each(backends.slice(0, 1))('reports in the web UI on $name', (backend) => {
  const api = useTestServer(backend, {
    server: { auth: { enabled: true, adminToken: ADMIN_TOKEN, defaultRole: null } },
  });
  let browser: Browser;
  const ids = { experiment: '', runs: [] as string[] };
  const admin = (method: string, path: string, body?: unknown) =>
    ok(callAs<Record<string, unknown>>(api.url, ADMIN_TOKEN, method, path, body));

  beforeAll(async () => {
    await ensureUiBuilt();
    for (const user of [ANA, BO]) await admin('POST', '/api/v1/users', user);
    const { experiment_id } = await admin('POST', '/api/2.0/mlflow/experiments/create', { name: 'churn' });
    ids.experiment = experiment_id as string;
    for (const [name, rate] of [
      ['baseline', 0.6],
      ['tuned', 0.9],
    ] as const) {
      const { run } = (await admin('POST', '/api/2.0/mlflow/runs/create', { experiment_id, run_name: name })) as {
        run: { info: { run_id: string } };
      };
      await admin('POST', '/api/2.0/mlflow/runs/log-batch', {
        run_id: run.info.run_id,
        metrics: Array.from({ length: 20 }, (_, step) => ({
          key: 'val_auc',
          value: rate * (1 - Math.exp(-step / 5)),
          timestamp: 1000 + step,
          step,
        })),
      });
      ids.runs.push(run.info.run_id);
    }
    await grant(api.url, { role: 'editor', user: 'ana', experiment: ids.experiment });
    await grant(api.url, { role: 'reader', user: 'bo', experiment: ids.experiment });
    browser = await launchBrowser();
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
  });

  it('builds a report of a note, runs and a chart that a reader opens by its URL', async () => {
    const ana = await signedIn(browser, api.url, ANA);
    const errors = watchErrors(ana.page);
    const page = ana.page;
    await page.goto(`${api.url}/experiments/${ids.experiment}`);
    await page.getByTestId('reports-tab').click();
    await page.getByTestId('new-report-title').fill('Weekly review');
    await page.getByTestId('create-report').click();
    await page.waitForURL(/\/reports\/[^/]+$/);
    const reportUrl = page.url();
    await expect.poll(() => page.getByTestId('report-title').innerText()).toBe('Weekly review');

    await page.getByTestId('report-note-input').fill('# Findings\n\nTuned **wins** on val_auc.');
    await page.getByTestId('add-note').click();
    await page.getByTestId('report-block-note').getByRole('heading', { name: 'Findings' }).waitFor();

    // Pin both runs from the experiment's runs table.
    await page.goto(`${api.url}/experiments/${ids.experiment}`);
    for (const runId of ids.runs) await page.locator(`tr[data-run-id="${runId}"] input[type="checkbox"]`).check();
    await page.getByTestId('pin-to-report').click();
    await page.getByTestId('pin-report').selectOption({ label: 'Weekly review' });
    await page.getByTestId('pin-confirm').click();
    await page.waitForURL(reportUrl);
    await expect.poll(() => page.getByTestId('report-runs').locator('tbody tr').count()).toBe(2);

    // A chart of the pinned runs, moved above the runs table.
    await page.getByTestId('report-chart-metric').selectOption('val_auc');
    for (const name of ['baseline', 'tuned']) {
      await page.getByTestId('report-add').getByLabel(name).check();
    }
    await page.getByTestId('add-chart').click();
    // The save is one write; on a loaded machine it may take a while, and if it fails the alert says why.
    await page.getByTestId('report-block-chart').or(page.getByRole('alert')).first().waitFor({ timeout: 30_000 });
    expect(await page.getByRole('alert').allInnerTexts()).toEqual([]);
    await page.getByTestId('report-block-chart').getByRole('button', { name: 'Move up' }).click();
    await expect
      .poll(() =>
        page.locator('section.report-block').evaluateAll((els) => els.map((e) => e.getAttribute('data-testid'))),
      )
      .toEqual(['report-block-note', 'report-block-chart', 'report-block-runs']);
    // A note added by mistake is removed again.
    await page.getByTestId('report-note-input').fill('scratch');
    await page.getByTestId('add-note').click();
    const blocks = page.locator('section.report-block');
    await expect.poll(() => blocks.count()).toBe(4);
    await blocks.nth(3).getByRole('button', { name: 'Remove block' }).click();
    await expect.poll(() => blocks.count()).toBe(3);
    expect(await page.getByText('scratch').count()).toBe(0);
    expect(errors).toEqual([]);
    await ana.context.close();

    // bo reads the experiment: the shared URL opens the report as it is now, without editing tools.
    const bo = await signedIn(browser, api.url, BO);
    const boErrors = watchErrors(bo.page);
    await bo.page.goto(reportUrl);
    await bo.page.getByTestId('report-block-note').getByRole('heading', { name: 'Findings' }).waitFor();
    const runs = bo.page.getByTestId('report-runs');
    await expect
      .poll(() => runs.locator('tbody tr').allInnerTexts())
      .toEqual([expect.stringContaining('baseline'), expect.stringContaining('tuned')]);
    expect(await runs.getByRole('link', { name: 'tuned' }).getAttribute('href')).toBe(
      `/experiments/${ids.experiment}/runs/${ids.runs[1]}`,
    );
    const chart = bo.page.locator('[data-testid="metric-chart"][data-metric="val_auc"]');
    await chart.locator('canvas').waitFor();
    await chart.locator('.chart-canvas[data-render-ms]').waitFor();
    const legend = await chart.locator('.u-legend').innerText();
    expect(legend).toContain('baseline');
    expect(legend).toContain('tuned');
    expect(await bo.page.getByRole('button', { name: 'Remove block' }).count()).toBe(0);
    expect(await bo.page.getByTestId('report-add').count()).toBe(0);
    await screenshot(bo.page, 'report');
    expect(boErrors).toEqual([]);
    await bo.context.close();
  });
});
