import { createHash } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Body, mlflowCalls } from '../mlflow/support/mlflow-calls.js';
import { backends } from '../support/backends.js';
import { useTestServer } from '../support/test-server.js';
import { launchBrowser, screenshot, watchErrors } from './support/browser.js';
import { ensureUiBuilt } from './support/build-ui.js';

type ModelJson = { info: { model_id: string; artifact_uri: string } };

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const FILES = { MLmodel: 'flavors:\n  sklearn: {}\n', 'model.pkl': 'pickle-bytes-of-a-forest-0123456789' };
/** A value with no place to break, as long hashes and paths are: it must wrap, not widen the page. */
const LONG_VALUE = `s3://bucket/${'a1b2c3d4'.repeat(40)}`;
const LONG_NAME = `candidate_${'wide_'.repeat(30)}end`;

/**
 * LoggedModels in the web UI: a run's Models section and a model's own page, over models logged through the MLflow
 * API as MLflow 3's client logs them (create, upload files through the artifact proxy, mark ready, link to the run,
 * log model metrics, register a version from models:/<id>).
 */
describe('LoggedModels in the web UI in Chromium', () => {
  const api = useTestServer(backends[0]!);
  const mlflow = mlflowCalls(api);
  let browser: Browser;
  let page: Page;
  let errors: string[];
  const ids = {} as Record<'base' | 'forest' | 'candidate' | 'retired', string>;
  let experimentId: string;
  let trainRun: string;
  let upstreamRun: string;

  const ok = async <T = Body>(reply: Promise<{ status: number; body: T }>): Promise<T> => {
    const { status, body } = await reply;
    if (status !== 200) throw new Error(`${status} ${JSON.stringify(body)}`);
    return body;
  };
  const newRun = async (name: string) =>
    (
      await ok(
        mlflow.post<{ run: { info: { run_id: string } } }>('runs/create', {
          experiment_id: experimentId,
          run_name: name,
          start_time: Date.UTC(2026, 2, 1, 10),
        }),
      )
    ).run.info.run_id;
  const logModel = async (body: Body) =>
    (await ok(mlflow.post<{ model: ModelJson }>('logged-models', { experiment_id: experimentId, ...body }))).model;
  const upload = async (model: ModelJson, file: string, text: string) => {
    const folder = model.info.artifact_uri.replace('mlflow-artifacts:/', '');
    const response = await fetch(`${api.url}/api/2.0/mlflow-artifacts/artifacts/${folder}/${file}`, {
      method: 'PUT',
      body: text,
    });
    if (response.status !== 200) throw new Error(`upload ${file} → ${response.status}`);
  };
  const ready = (id: string) => ok(mlflow.patch(`logged-models/${id}`, { model_id: id, status: 'LOGGED_MODEL_READY' }));
  /** How far the page is wider than the window (a string, as the test's own types know no DOM). */
  const overflow = async () => Number(await page.evaluate('document.documentElement.scrollWidth - window.innerWidth'));
  const rowOf = (table: string, id: string) => page.locator(`[data-testid="${table}"] tbody tr[data-model-id="${id}"]`);

  beforeAll(async () => {
    await ensureUiBuilt();
    experimentId = (await ok(mlflow.post<{ experiment_id: string }>('experiments/create', { name: 'lm-ui' })))
      .experiment_id;
    upstreamRun = await newRun('pretrain-embeddings');
    trainRun = await newRun('train-forest');

    const base = await logModel({ name: 'base-embeddings', source_run_id: upstreamRun });
    ids.base = base.info.model_id;
    await ready(ids.base);
    const retired = await logModel({ name: 'retired-embeddings', source_run_id: upstreamRun });
    ids.retired = retired.info.model_id;

    const forest = await logModel({
      name: 'forest-classifier',
      source_run_id: trainRun,
      model_type: 'sklearn-forest',
      params: [{ key: 'depth', value: '4' }],
      tags: [{ key: 'team', value: 'vision' }],
    });
    ids.forest = forest.info.model_id;
    for (const [file, text] of Object.entries(FILES)) await upload(forest, file, text);
    await ready(ids.forest);
    const candidate = await logModel({
      name: LONG_NAME,
      source_run_id: trainRun,
      params: [{ key: 'checkpoint', value: LONG_VALUE }],
    });
    ids.candidate = candidate.info.model_id;

    await ok(
      mlflow.post('runs/outputs', {
        run_id: trainRun,
        models: [
          { model_id: ids.forest, step: 7 },
          { model_id: ids.candidate, step: 12 },
        ],
      }),
    );
    await ok(
      mlflow.post('runs/log-inputs', { run_id: trainRun, models: [{ model_id: ids.base }, { model_id: ids.retired }] }),
    );
    for (const [dataset, value] of [
      ['eval-set', 0.875],
      ['holdout-set', 0.8125],
    ] as const) {
      await ok(
        mlflow.post('runs/log-metric', {
          run_id: trainRun,
          key: 'accuracy',
          value,
          timestamp: Date.UTC(2026, 2, 1, 11),
          step: 3,
          model_id: ids.forest,
          dataset_name: dataset,
          dataset_digest: `${dataset}-d1`,
        }),
      );
    }
    await ok(mlflow.post('registered-models/create', { name: 'forest-model' }));
    await ok(
      mlflow.post('model-versions/create', {
        name: 'forest-model',
        source: `models:/${ids.forest}`,
        model_id: ids.forest,
      }),
    );
    await ok(mlflow.delete(`logged-models/${ids.retired}`, { model_id: ids.retired }));
    for (const runId of [upstreamRun, trainRun]) {
      await ok(mlflow.post('runs/update', { run_id: runId, status: 'FINISHED', end_time: Date.UTC(2026, 2, 1, 12) }));
    }

    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 }, colorScheme: 'light' });
    errors = watchErrors(page);
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
  });

  it('lists the models a run produced and the models it used on the run page', async () => {
    await page.goto(`${api.url}/experiments/${experimentId}/runs/${trainRun}`);
    const produced = page.locator('[data-testid="models"] tbody tr');
    await produced.first().waitFor();
    expect(await produced.evaluateAll((rows) => rows.map((r) => r.getAttribute('data-model-id')))).toEqual([
      ids.forest,
      ids.candidate,
    ]);
    expect(await page.getByTestId('run-models').locator('h2').innerText()).toBe('Models (2)');

    const forest = rowOf('models', ids.forest);
    expect(await forest.getByRole('link').innerText()).toBe('forest-classifier');
    expect(await forest.getByRole('link').getAttribute('href')).toBe(`/logged-models/${ids.forest}`);
    expect(await forest.getByTestId('model-status').innerText()).toMatch(/^ready$/i);
    expect(await forest.getByTestId('model-step').innerText()).toBe('7');
    expect(await forest.getByTestId('model-registered').innerText()).toBe('forest-model v1');

    const candidate = rowOf('models', ids.candidate);
    expect(await candidate.getByRole('link').innerText()).toBe(LONG_NAME);
    expect(await candidate.getByTestId('model-status').innerText()).toMatch(/^pending$/i);
    expect(await candidate.getByTestId('model-step').innerText()).toBe('12');
    expect(await candidate.getByTestId('model-registered').innerText()).toBe('—');

    const inputs = page.getByTestId('run-model-inputs');
    await rowOf('model-inputs', ids.base).waitFor();
    expect(await inputs.locator('h2').innerText()).toBe('Model inputs (2)');
    const base = rowOf('model-inputs', ids.base);
    expect(await base.getByRole('link', { name: 'base-embeddings' }).getAttribute('href')).toBe(
      `/logged-models/${ids.base}`,
    );
    expect(await base.getByRole('link', { name: upstreamRun }).getAttribute('href')).toBe(
      `/experiments/${experimentId}/runs/${upstreamRun}`,
    );
    // The deleted model stays listed among what the run read, named by its id and said to be gone.
    const retired = rowOf('model-inputs', ids.retired);
    expect(await retired.innerText()).toContain(ids.retired);
    expect(await retired.getByTestId('model-gone').innerText()).toMatch(/deleted or unknown/i);
    expect(await overflow()).toBeLessThanOrEqual(0);
    await page.getByTestId('run-models').scrollIntoViewIfNeeded();
    await screenshot(page, 'run-models');

    await forest.getByRole('link').click();
    await page.waitForURL(`**/logged-models/${ids.forest}`);
    await page.getByTestId('model-name').waitFor();
    expect(await page.getByTestId('model-name').innerText()).toBe('forest-classifier');
    expect(errors).toEqual([]);
  });

  it('shows a model with its run, experiment, params, tags, metrics by dataset, files and registered versions', async () => {
    await page.goto(`${api.url}/logged-models/${ids.forest}`);
    await page.getByTestId('model-name').waitFor();
    expect(await page.getByTestId('model-id').innerText()).toBe(ids.forest);
    const facts = page.getByTestId('model-facts');
    expect(await facts.getByTestId('model-status').innerText()).toMatch(/^ready$/i);
    expect(await facts.innerText()).toContain('sklearn-forest');
    const source = page.getByTestId('model-source-run');
    await expect.poll(() => source.innerText()).toBe('train-forest');
    expect(await source.getAttribute('href')).toBe(`/experiments/${experimentId}/runs/${trainRun}`);
    const experiment = page.getByTestId('model-experiment');
    await expect.poll(() => experiment.innerText()).toBe('lm-ui');
    expect(await experiment.getAttribute('href')).toBe(`/experiments/${experimentId}`);

    expect(await page.getByTestId('model-params').innerText()).toMatch(/depth\s+4/);
    expect(await page.getByTestId('model-tags').innerText()).toMatch(/team\s+vision/);
    const metrics = await page
      .locator('[data-testid="model-metrics"] tbody tr')
      .evaluateAll((rows) => rows.map((r) => [...r.querySelectorAll('td')].map((td) => td.innerText.trim())));
    expect(metrics.map((cells) => cells.slice(0, 4)).sort()).toEqual([
      ['accuracy', '0.8125', '3', 'holdout-set (holdout-set-d1)'],
      ['accuracy', '0.875', '3', 'eval-set (eval-set-d1)'],
    ]);
    expect(await page.getByTestId('model-versions').locator('li').allInnerTexts()).toEqual(['forest-model v1']);

    const files = page.locator('[data-testid="model-files"] tbody tr');
    expect(await files.evaluateAll((rows) => rows.map((r) => r.getAttribute('data-path')).sort())).toEqual(
      Object.keys(FILES).sort(),
    );
    for (const [file, text] of Object.entries(FILES)) {
      const row = page.locator(`[data-testid="model-files"] tbody tr[data-path="${file}"]`);
      expect(await row.locator('td').nth(1).innerText()).toBe(`${Buffer.byteLength(text)} B`);
      expect(await row.getByTestId('file-sha256').innerText()).toBe(sha256(text));
      // The link goes through MLflow's artifact proxy and downloads exactly the uploaded bytes.
      const href = await row.getByRole('link', { name: file }).getAttribute('href');
      expect(href).toMatch(/^\/api\/2\.0\/mlflow-artifacts\/artifacts\//);
      const downloaded = await page.evaluate(async (url) => {
        const response = await fetch(url);
        return { status: response.status, text: await response.text() };
      }, href!);
      expect(downloaded).toEqual({ status: 200, text });
    }
    await page.getByTestId('model-name').scrollIntoViewIfNeeded();
    await screenshot(page, 'logged-model');
    expect(errors).toEqual([]);
  });

  it('keeps a model with a long name and a long value within the page width', async () => {
    await page.goto(`${api.url}/logged-models/${ids.candidate}`);
    await page.getByTestId('model-name').waitFor();
    expect(await page.getByTestId('model-name').innerText()).toBe(LONG_NAME);
    expect(await page.getByTestId('model-params').innerText()).toContain(LONG_VALUE);
    expect(await page.getByTestId('model-status').first().innerText()).toMatch(/^pending$/i);
    expect(await overflow()).toBeLessThanOrEqual(0);
    expect(errors).toEqual([]);
  });

  it('says a deleted, unknown or malformed model is not found', async () => {
    for (const id of [ids.retired, `m-${'f'.repeat(32)}`, 'not-a-model-id']) {
      await page.goto(`${api.url}/logged-models/${id}`);
      const notFound = page.getByTestId('model-not-found');
      await notFound.waitFor();
      expect(await notFound.innerText()).toContain('Model not found');
      expect(await notFound.innerText()).toContain(id);
      expect(await page.getByTestId('model-name').count()).toBe(0);
    }
    expect(errors).toEqual([]);
  });
});
