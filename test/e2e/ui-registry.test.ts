import { createHash } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../support/backends.js';
import { given, ok, series } from '../support/builders.js';
import { useTestServer } from '../support/test-server.js';
import { launchBrowser, screenshot, watchErrors } from './support/browser.js';
import { ensureUiBuilt } from './support/build-ui.js';

const MODEL_BYTES = 'pickled-gradient-boosted-trees-v1';
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * The registry in the web UI, over models registered through the native API: the models list with its facets, a
 * model's card (edited in the page) and versions, a version's evidence (source run, files with SHA-256, checks,
 * evaluations per slice, stage history), each version's key metrics and badges (revalidation, policies, approval,
 * metadata completeness) linking to their evidence, and two versions compared.
 */
describe('the model registry in the web UI in Chromium', () => {
  const api = useTestServer(backends[0]!);
  let browser: Browser;
  let page: Page;
  let errors: string[];
  let trainRunId = '';
  const trainRuns: string[] = [];

  beforeAll(async () => {
    await ensureUiBuilt();
    const build = given(api);
    const experiment = await build.experiment('fraud-training');
    const models = [
      ['fraud-detector', { ownerTeam: 'risk', taskType: 'classification', regulatoryFlags: ['pii'] }],
      ['churn-predictor', { ownerTeam: 'growth', taskType: 'classification' }],
      ['demand-forecast', { ownerTeam: 'growth', taskType: 'regression' }],
    ] as const;
    for (const [name, card] of models) {
      await build.registeredModel(name, { description: `The **${name}** model.`, ...card });
    }
    for (const version of [1, 2]) {
      const run = await experiment.run({ runName: `train-v${version}` });
      if (version === 1) trainRunId = run.runId;
      trainRuns.push(run.runId);
      await run.log({
        metrics: [
          ...series('auc', version === 1 ? [0.9, 0.91] : [0.94]),
          ...series('loss', [version === 1 ? 0.3 : 0.25]),
        ],
      });
      const upload = await fetch(`${api.url}/api/v1/runs/${run.runId}/artifacts/model/model.pkl`, {
        method: 'PUT',
        body: version === 1 ? MODEL_BYTES : `${MODEL_BYTES}-retrained`,
      });
      expect(upload.status).toBe(201);
      await build.modelVersion('fraud-detector', run.runId, 'model', { releaseNotes: `Release ${version}` });
      const path = `/api/v1/registered-models/fraud-detector/versions/${version}`;
      await ok(api, 'POST', `${path}/evaluations`, {
        results: [
          { metric: 'auc', value: version === 1 ? 0.91 : 0.94, slice: 'overall' },
          { metric: 'recall', value: version === 1 ? 0.82 : 0.79, slice: 'age>65' },
        ],
      });
      await ok(api, 'POST', `${path}/checks`, {
        checks: [{ kind: 'fairness', name: 'demographic_parity', passed: version === 1, value: 0.07, threshold: 0.1 }],
      });
    }
    await ok(api, 'POST', '/api/v1/registered-models/fraud-detector/versions/1/stage', {
      stage: 'Production',
      reason: 'beat the rules engine',
    });
    await ok(api, 'PUT', '/api/v1/registered-models/fraud-detector/aliases/champion', { version: 1 });
    // What version 1 needs, and two targets: one that runs it, one whose numpy is too old.
    await ok(api, 'PUT', '/api/v1/registered-models/fraud-detector/versions/1/dependencies', {
      dependencies: [
        { kind: 'pypi', name: 'numpy', specifier: '>=2.0' },
        { kind: 'pypi', name: 'scikit-learn', specifier: '~=1.4' },
        { kind: 'pypi', name: 'pywin32', specifier: '>=300', marker: 'sys_platform == "win32"' },
      ],
    });
    for (const [target, numpy] of [
      ['serving-eu', '1.26.4'],
      ['batch-scoring', '2.1.0'],
    ]) {
      await ok(api, 'POST', '/api/v1/lineage/deployment-targets', { name: target });
      await ok(api, 'PUT', `/api/v1/deployment-targets/${target}/environment`, {
        file: 'requirements.txt',
        content: `numpy==${numpy}\nscikit-learn==1.4.2\n`,
        os: 'Linux',
        runtime: 'CPython 3.11.9',
      });
    }
    // What the versions table flags. Staging is protected here, with a rule about the version's checks (v2's
    // fairness check failed); v2 waits for approval to enter it; v1's training data has a newer version, so v1 must
    // be revalidated; the version schema recommends a description and release notes, of which both carry one.
    await ok(api, 'PUT', '/api/v1/registered-models/fraud-detector/protection', { stages: ['Staging'] });
    await ok(api, 'PUT', '/api/v1/policies/fraud-staging-checks', {
      model: 'fraud-detector',
      target: { stage: 'Staging' },
      rules: [{ name: 'checks-passed', expression: 'version.checks.all(c, c.passed)' }],
    });
    await ok(api, 'POST', '/api/v1/registered-models/fraud-detector/transition-requests', {
      version: 2,
      stage: 'Staging',
      reason: 'shadow traffic',
    });
    const raw1 = await ok<{ nodeId: string }>(api, 'POST', '/api/v1/lineage/dataset-versions', {
      namespace: 's3://lake',
      name: 'transactions',
      version: 'v1',
    });
    await ok(api, 'POST', '/api/v1/lineage/edges', { from: raw1.nodeId, to: `run:${trainRuns[0]}`, type: 'consumed' });
    await ok(api, 'POST', '/api/v1/lineage/dataset-versions', {
      namespace: 's3://lake',
      name: 'transactions',
      version: 'v2',
    });
    await ok(api, 'POST', '/api/v1/schemas/model_version:fraud-detector/versions', {
      schema: { type: 'object', 'x-recommended': ['description', 'releaseNotes'] },
    });
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 }, colorScheme: 'light' });
    page.setDefaultTimeout(10_000);
    errors = watchErrors(page);
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
  });

  /** Waits until the models table shows `count` rows (it narrows as facets and the search are applied). */
  const untilRows = (count: number) =>
    expect.poll(() => page.locator('[data-testid="models-table"] tbody tr').count(), { timeout: 10_000 }).toBe(count);
  const modelRows = async () =>
    page
      .locator('[data-testid="models-table"] tbody tr')
      .evaluateAll((rows) => rows.map((row) => row.getAttribute('data-model')));

  it('lists models with their live stages and aliases, narrowed by name and by facets with counts', async () => {
    await page.goto(`${api.url}/`);
    await page.locator('.topbar nav a', { hasText: 'Models' }).click();
    await page.waitForURL(`${api.url}/models`);
    await page.locator('[data-model="fraud-detector"]').waitFor();
    expect((await modelRows()).sort()).toEqual(['churn-predictor', 'demand-forecast', 'fraud-detector']);
    const fraud = page.locator('[data-model="fraud-detector"]');
    // Live stages come from the versions, read beside the models: wait for them rather than race them.
    await fraud.getByTestId('stage').getByText('Production').waitFor();
    expect(await fraud.textContent()).toContain('@champion → v1');

    const growth = page.locator('[data-facet="ownerTeam:growth"]');
    expect(await growth.locator('.facet-count').textContent()).toBe('2');
    await growth.getByRole('checkbox').check();
    await untilRows(2);
    expect((await modelRows()).sort()).toEqual(['churn-predictor', 'demand-forecast']);
    // The task facet's counts follow the team chosen: among growth's models, one classifier and one regressor.
    expect(await page.locator('[data-facet="taskType:classification"] .facet-count').textContent()).toBe('1');
    await page.locator('[data-facet="taskType:regression"]').getByRole('checkbox').check();
    await untilRows(1);
    expect(await modelRows()).toEqual(['demand-forecast']);
    await shot('models-facets');
    await page.locator('[data-facet="ownerTeam:growth"]').getByRole('checkbox').uncheck();
    await page.locator('[data-facet="taskType:regression"]').getByRole('checkbox').uncheck();

    await page.getByLabel('Search models by name').fill('fraud');
    await untilRows(1);
    expect(await modelRows()).toEqual(['fraud-detector']);
  });

  it("shows a model's card and versions, and saves an edited card", async () => {
    await page.locator('[data-model="fraud-detector"] a', { hasText: 'fraud-detector' }).click();
    await page.waitForURL(`${api.url}/models/fraud-detector`);
    const card = page.getByTestId('model-card');
    await card.getByText('fraud-detector model').waitFor();
    expect(await card.textContent()).toContain('pii');
    const versionRows = page.locator('[data-testid="versions-table"] tbody tr');
    await versionRows.first().waitFor();
    expect(await versionRows.evaluateAll((rows) => rows.map((r) => r.getAttribute('data-version')))).toEqual([
      '2',
      '1',
    ]);
    expect(await page.locator('[data-version="1"]').textContent()).toContain('Production');

    await card.getByRole('button', { name: 'Edit card' }).click();
    const form = page.getByRole('form', { name: 'Edit the model card' });
    await form.getByLabel('Purpose').fill('Stop card fraud before settlement');
    await form.getByLabel('Latency budget (ms)').fill('40');
    await form.getByRole('button', { name: 'Save card' }).click();
    await page.getByTestId('model-card').getByText('Stop card fraud before settlement').waitFor();
    const stored = await ok<{ registeredModel: { purpose: string; latencyBudgetMs: number; ownerTeam: string } }>(
      api,
      'GET',
      '/api/v1/registered-models/fraud-detector',
    );
    expect(stored.registeredModel).toMatchObject({
      purpose: 'Stop card fraud before settlement',
      latencyBudgetMs: 40,
      ownerTeam: 'risk',
    });
    await shot('model-page');
  });

  it("shows each version's key metrics, completeness and badges, each linking to its evidence", async () => {
    await page.goto(`${api.url}/models/fraud-detector`);
    const v1 = page.locator('[data-testid="versions-table"] [data-version="1"]');
    const v2 = page.locator('[data-testid="versions-table"] [data-version="2"]');
    await v1.getByTestId('badge-completeness').waitFor();
    expect(await page.getByTestId('key-metric-column').allTextContents()).toEqual(['auc', 'loss']);
    expect(await v1.locator('[data-metric="auc"]').textContent()).toBe('0.91');
    expect(await v2.locator('[data-metric="auc"]').textContent()).toBe('0.94');
    expect(await v2.locator('[data-metric="loss"]').textContent()).toBe('0.25');
    expect(await v1.getByTestId('badge-completeness').textContent()).toBe('50%');
    expect(await v1.getByTestId('badge-revalidation').textContent()).toBe('needs revalidation');
    expect(await v2.getByTestId('badge-revalidation').count()).toBe(0);
    expect(await v1.getByTestId('badge-policy').getAttribute('data-passed')).toBe('true');
    expect(await v1.getByTestId('badge-policy').textContent()).toBe('✓ Staging');
    expect(await v2.getByTestId('badge-policy').getAttribute('data-passed')).toBe('false');
    expect(await v2.getByTestId('badge-policy').getAttribute('title')).toBe(
      'Failed: fraud-staging-checks/checks-passed',
    );
    expect(await v2.getByTestId('badge-approval').textContent()).toBe('pending 0/1 → Staging');
    expect(await v1.getByTestId('badge-approval').count()).toBe(0);
    await screenshot(page, 'registry-model');

    // The revalidation badge leads to its cause on the version page.
    await v1.getByTestId('badge-revalidation').click();
    await page.waitForURL(`${api.url}/models/fraud-detector/versions/1#version-revalidation`);
    const revalidation = page.getByTestId('version-revalidation');
    expect(await revalidation.getByTestId('revalidation-cause').textContent()).toContain('s3://lake/transactions@v2');
    expect(await revalidation.getAttribute('class')).toContain('evidence-target');

    // The completeness badge leads to the fields missing.
    await page.goBack();
    await v1.getByTestId('badge-completeness').click();
    await page.waitForURL(`${api.url}/models/fraud-detector/versions/1#version-completeness`);
    await page.getByTestId('completeness-score').getByText('50%').waitFor();
    expect(await page.getByTestId('completeness-missing').allTextContents()).toEqual(['description recommended']);

    // The approval badge leads to the pending request, the policy badge to the rule that failed.
    await page.goto(`${api.url}/models/fraud-detector`);
    await v2.getByTestId('badge-approval').click();
    await page.waitForURL(`${api.url}/models/fraud-detector/versions/2#version-requests`);
    const request = page.getByTestId('version-request');
    await request.waitFor();
    expect(await request.getAttribute('data-status')).toBe('pending');
    expect(await request.textContent()).toContain('shadow traffic');
    await page.goBack();
    await v2.getByTestId('badge-policy').click();
    await page.waitForURL(`${api.url}/models/fraud-detector/versions/2#version-policies`);
    const failed = page.locator('[data-testid="version-policies"] [data-testid="policy-rule"][data-passed="false"]');
    await failed.waitFor();
    expect(await failed.textContent()).toContain('checks-passed');
    expect(errors).toEqual([]);
    await page.goto(`${api.url}/models/fraud-detector`);
  });

  it("shows a version's provenance, files with their SHA-256, checks, evaluations and stage history", async () => {
    await page.locator('[data-version="1"] a', { hasText: 'v1' }).click();
    await page.waitForURL(`${api.url}/models/fraud-detector/versions/1`);
    await page.getByTestId('version-source-run').getByText('train-v1').waitFor();
    expect(await page.getByTestId('version-source-run').getAttribute('href')).toContain(trainRunId);
    const file = page.locator('[data-file="model.pkl"]');
    await file.waitFor();
    expect(await file.textContent()).toContain(sha256(MODEL_BYTES));
    expect(await page.locator('[data-check="demographic_parity"]').textContent()).toContain('passed');
    expect(await page.locator('[data-metric="recall"] [data-slice="age>65"]').textContent()).toBe('0.82');
    // Dependencies, and where the version runs: pywin32 is for Windows only, so it is not asked of either target.
    await page.locator('[data-dependency="scikit-learn"]').waitFor();
    const verdict = (target: string) =>
      page.locator(`[data-target="${target}"] [data-testid="target-verdict"]`).textContent();
    expect(await verdict('serving-eu')).toBe('incompatible');
    expect(await verdict('batch-scoring')).toBe('compatible');
    expect(await page.locator('[data-target="serving-eu"] [data-violation]').allTextContents()).toEqual([
      'numpy >=2.0: 1.26.4 is outside >=2.0',
    ]);
    const history = page.getByTestId('version-history');
    await history.getByText('beat the rules engine').waitFor();
    expect(await history.textContent()).toMatch(/None → Production/);
    await shot('version-page');

    await page.goto(`${api.url}/models/fraud-detector/versions/2`);
    await page.locator('[data-check="demographic_parity"]').getByText('failed').waitFor();
  });

  it('compares two versions side by side with the change of every metric', async () => {
    await page.goto(`${api.url}/models/fraud-detector`);
    await page.getByLabel('Pick version 1').check();
    await page.getByLabel('Pick version 2').check();
    await page.getByRole('button', { name: 'Compare selected' }).click();
    await page.waitForURL(/\/models\/fraud-detector\/compare\?a=1&b=2$/);
    const auc = page.locator('[data-row="auc overall"]');
    await auc.waitFor();
    expect(await auc.locator('td').allTextContents()).toEqual(['auc', 'overall', '0.91', '0.94', '+0.03']);
    expect(await page.locator('[data-row="recall age>65"] td').last().textContent()).toBe('-0.03');
    await shot('version-compare');
    expect(errors).toEqual([]);
  });

  const shot = (name: string) => screenshot(page, `registry-${name}`);
});
