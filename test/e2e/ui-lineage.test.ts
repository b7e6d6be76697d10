import { readFile } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../support/backends.js';
import { given, ok } from '../support/builders.js';
import { useTestServer } from '../support/test-server.js';
import { launchBrowser, screenshot, watchErrors } from './support/browser.js';
import { ensureUiBuilt } from './support/build-ui.js';

const WIDE = 150;
const q = encodeURIComponent;

/** One OpenLineage run event of a job that read `inputs` and wrote `outputs` (namespace, name, version). */
const jobEvent = (job: string, runId: string, inputs: string[][], outputs: string[][]) => ({
  eventType: 'COMPLETE',
  eventTime: '2026-11-02T04:00:00Z',
  producer: 'https://github.com/acme/etl',
  run: { runId },
  job: { namespace: 'etl', name: job },
  inputs: inputs.map(dataset),
  outputs: outputs.map(dataset),
});
const dataset = ([namespace, name, version]: string[]) => ({
  namespace,
  name,
  facets: { version: { _producer: 'x', _schemaURL: 'y', datasetVersion: version } },
});

/**
 * The lineage page in Chromium over a graph recorded through the HTTP API: a raw dataset cleaned by an ETL job
 * into a derived dataset, which trains a run, which produced a registered model version, which is deployed. The
 * reader follows the model version's lineage back to the raw dataset by expanding nodes, reads it in plain
 * words, folds and unfolds alike runs, highlights an impact set and a path, and exports PNG and PROV-JSON.
 */
describe('the lineage graph in the web UI in Chromium', () => {
  const api = useTestServer(backends[0]!);
  let browser: Browser;
  let page: Page;
  let errors: string[];
  let trainRunId = '';
  let experimentId = '';
  let wideRoot = '';

  beforeAll(async () => {
    await ensureUiBuilt();
    await ok(
      api,
      'POST',
      '/api/v1/lineage',
      jobEvent(
        'clean_customers',
        '0190e0f0-0000-7000-8000-0000000000c1',
        [['crm', 'raw_customers', '1']],
        [['crm', 'customers', '3']],
      ),
    );
    const customers = await ok<{ node: { id: string } }>(
      api,
      'GET',
      `/api/v1/lineage/nodes?nodeId=${q('dataset:crm:customers')}`,
    );
    const build = given(api);
    const experiment = await build.experiment('fraud-training');
    experimentId = experiment.experimentId;
    const consume = (runId: string) =>
      ok(api, 'POST', '/api/v1/lineage/edges', {
        from: customers.node.id,
        to: `run:${runId}`,
        type: 'consumed',
        runId,
      });
    const train = await experiment.run({ runName: 'train-v1' });
    trainRunId = train.runId;
    await consume(trainRunId);
    // Six tuning runs read the same data: enough alike runs to fold into one group.
    for (let i = 1; i <= 6; i++) await consume((await experiment.run({ runName: `tune-${i}` })).runId);
    await build.registeredModel('fraud-detector');
    const upload = await fetch(`${api.url}/api/v1/runs/${trainRunId}/artifacts/model/model.pkl`, {
      method: 'PUT',
      body: 'pickled model',
    });
    expect(upload.status).toBe(201);
    await build.modelVersion('fraud-detector', trainRunId, 'model');
    const target = await ok<{ id: string }>(api, 'POST', '/api/v1/lineage/deployment-targets', { name: 'prod-eu' });
    await ok(api, 'POST', '/api/v1/lineage/deployments', {
      modelId: 'fraud-detector',
      version: 1,
      targetId: target.id,
    });

    // A wide graph: one export job writes 150 tables, each feeding a feature of its own (302 nodes).
    const tables = Array.from({ length: WIDE }, (_, i) => ['lake', `table_${i}`, '1']);
    await ok(
      api,
      'POST',
      '/api/v1/lineage',
      jobEvent('export', '0190e0f0-0000-7000-8000-0000000000e1', [['lake', 'events', '1']], tables),
    );
    for (let i = 0; i < WIDE; i++) {
      const [version] = (
        await ok<{ datasetVersions: { versionId: string }[] }>(
          api,
          'GET',
          `/api/v1/lineage/dataset-versions?dataset=${q(`lake:table_${i}`)}`,
        )
      ).datasetVersions;
      await ok(api, 'POST', '/api/v1/lineage/features', {
        name: `feature_${i}`,
        version: '1',
        inputDatasetVersionIds: [version!.versionId],
      });
    }
    wideRoot = (
      await ok<{ node: { id: string } }>(api, 'GET', `/api/v1/lineage/nodes?nodeId=${q('dataset:lake:events')}`)
    ).node.id;

    browser = await launchBrowser();
    page = await browser.newPage({
      viewport: { width: 1440, height: 900 },
      colorScheme: 'light',
      acceptDownloads: true,
    });
    page.setDefaultTimeout(15_000);
    errors = watchErrors(page);
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
  });

  const nodeCard = (text: string) => page.locator('.lineage-node', { hasText: text });
  const laidOut = (count: number) =>
    expect
      .poll(async () => {
        const canvas = page.getByTestId('lineage-canvas');
        return `${await canvas.getAttribute('data-layout')} ${await canvas.getAttribute('data-nodes')}`;
      })
      .toBe(`ready ${count}`);
  const story = () => page.getByTestId('lineage-story').textContent();

  it("follows a model version's lineage from its page back to the raw dataset, told in plain words", async () => {
    await page.goto(`${api.url}/models/fraud-detector/versions/1`);
    await page.getByRole('main').getByRole('link', { name: 'Lineage' }).click();
    await page.waitForURL(/\/lineage\?node=model_version/);
    expect(await page.getByTestId('lineage-focus').textContent()).toBe('fraud-detector v1');
    await laidOut(3);
    await nodeCard('train-v1').waitFor();
    await nodeCard('fraud-detector/1 → prod-eu').waitFor();
    expect(await story()).toContain('This model version (fraud-detector v1) was trained by run train-v1.');

    await page.getByRole('button', { name: 'Expand upstream of train-v1' }).click();
    await nodeCard('crm/customers@3').waitFor();
    await page.getByRole('button', { name: 'Expand upstream of crm/customers@3' }).click();
    await nodeCard('clean_customers').waitFor();
    await page.getByRole('button', { name: 'Expand upstream of clean_customers' }).click();
    const raw = nodeCard('crm/raw_customers@1');
    await raw.waitFor();
    expect(await raw.getAttribute('data-kind')).toBe('dataset_version');
    await expect
      .poll(story)
      .toContain(
        'was trained by run train-v1, which used customers v3, which was produced by job clean_customers, which used raw_customers v1.',
      );
    // Colour by kind: the dataset's border is the dataset colour, the run's the run colour.
    expect(await raw.getAttribute('style')).toContain('border-color: rgb(47, 128, 237)');
    expect(await nodeCard('train-v1').getAttribute('style')).toContain('border-color: rgb(224, 122, 16)');
    await laidOut(6);
    // The walk that found the raw dataset saw nothing beyond it, so no button offers to read its upstream side; the
    // derived dataset's downstream side (other runs that read it) is still to be read.
    expect(await raw.getByRole('button', { name: /Expand upstream/ }).count()).toBe(0);
    expect(
      await nodeCard('crm/customers@3')
        .getByRole('button', { name: /Expand downstream/ })
        .count(),
    ).toBe(1);
  });

  it('shows which run recorded an edge on hover', async () => {
    const producedEdge = () =>
      page
        .locator('.react-flow__edge')
        .evaluateAll(
          (edges, run) =>
            edges.map((e) => e.getAttribute('data-id') ?? '').find((d) => d.startsWith(`${run} produced`)),
          `run:${trainRunId}`,
        );
    // React Flow draws edges once their nodes have been measured, which on a busy machine comes a frame or more after
    // the nodes themselves.
    await expect.poll(producedEdge).toBeTruthy();
    const id = await producedEdge();
    const box = await page.locator(`[data-id="${id}"] .react-flow__edge-interaction`).boundingBox();
    expect(box).not.toBeNull();
    await page.mouse.move(box!.x + box!.width / 2, box!.y + box!.height / 2);
    const tooltip = page.getByTestId('edge-provenance');
    await tooltip.waitFor();
    expect(await tooltip.textContent()).toMatch(/train-v1 produced fraud-detector v1.*Recorded by run/);
    await page.mouse.move(5, 5);
  });

  it('folds alike runs into a counted group and unfolds it', async () => {
    await page.getByRole('button', { name: 'Expand downstream of crm/customers@3' }).click();
    const group = page.locator('.lineage-node[data-group="6"]');
    await group.waitFor();
    expect(await group.textContent()).toContain(`6 runs of experiment ${experimentId}`);
    await laidOut(7);
    await group.getByRole('button', { name: 'Show all 6' }).click();
    await nodeCard('tune-6').waitFor();
    await laidOut(12);
  });

  it('highlights the impact of a change to the raw data and the path from it to the deployment', async () => {
    await nodeCard('crm/raw_customers@1').click();
    await page.getByRole('button', { name: 'Impact of a change' }).click();
    const impact = page.getByTestId('impact-summary');
    await impact.waitFor();
    expect(await impact.locator('[data-impact="model versions"]').textContent()).toBe('model versions: 1');
    expect(await impact.locator('[data-impact="deployments"]').textContent()).toBe('deployments: 1');
    expect(await impact.locator('[data-impact="runs"]').textContent()).toBe('runs: 8');
    await expect.poll(() => page.locator('.lineage-node.highlighted').count()).toBe(13);
    expect(await nodeCard('prod-eu').first().getAttribute('class')).toContain('highlighted');
    await shot('impact');

    await page.getByRole('button', { name: 'Make this the path start' }).click();
    await nodeCard('fraud-detector/1 → prod-eu').click();
    await page.getByRole('button', { name: 'Path from crm/raw_customers@1' }).click();
    const path = page.getByTestId('path-summary');
    await path.waitFor();
    expect(await path.locator('li').allTextContents()).toEqual([
      'crm/raw_customers@1',
      'clean_customers',
      'crm/customers@3',
      'train-v1',
      'fraud-detector v1',
      'fraud-detector/1 → prod-eu',
    ]);
    await expect.poll(() => page.locator('.lineage-node.highlighted').count()).toBe(6);
    await shot('path');
    await page.getByRole('button', { name: 'Clear' }).click();
    await expect.poll(() => page.locator('.lineage-node.highlighted').count()).toBe(0);
  });

  it('exports the picture as PNG and the graph as PROV-JSON, and links the server’s full provenance', async () => {
    const [png] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export PNG' }).click(),
    ]);
    expect(png.suggestedFilename()).toMatch(/^lineage-model_version_.*\.png$/);
    const bytes = await readFile((await png.path())!);
    expect(bytes.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
    expect(bytes.length).toBeGreaterThan(5_000);

    const [prov] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export PROV-JSON' }).click(),
    ]);
    const doc = JSON.parse(await readFile((await prov.path())!, 'utf8')) as Record<
      string,
      Record<string, Record<string, unknown>>
    >;
    expect(Object.keys(doc.activity!)).toContain(`mnemo:run:${trainRunId}`);
    expect(Object.values(doc.entity!).map((e) => e['prov:label'])).toContain('crm/raw_customers@1');

    const href = await page.getByRole('link', { name: 'Full provenance (PROV-JSON)' }).getAttribute('href');
    const full = await ok<{ entity: Record<string, { 'prov:label': string }> }>(api, 'GET', href!);
    expect(Object.values(full.entity).map((e) => e['prov:label'])).toContain('crm/raw_customers@1');
    await shot('graph');
  });

  it('opens on a run from its page', async () => {
    await page.goto(`${api.url}/experiments/${experimentId}/runs/${trainRunId}`);
    await page.getByRole('main').getByRole('link', { name: 'Lineage' }).click();
    await page.waitForURL(/\/lineage\?node=run/);
    expect(await page.getByTestId('lineage-focus').textContent()).toBe('train-v1');
    await nodeCard('crm/customers@3').waitFor();
    await nodeCard('fraud-detector v1').first().waitFor();
  });

  it('expands a 300-node graph and records its first render', async () => {
    await page.goto(`${api.url}/lineage?node=${q(wideRoot)}`);
    await laidOut(2);
    const started = Date.now();
    await page.getByRole('button', { name: 'Expand all downstream' }).click();
    await laidOut(2 + 2 * WIDE);
    await expect.poll(() => page.locator('.react-flow__node').count()).toBe(2 + 2 * WIDE);
    await page.locator('.lineage-node', { hasText: `feature_${WIDE - 1}@1` }).waitFor();
    const elapsed = Date.now() - started;
    console.log(`lineage: ${2 + 2 * WIDE} nodes expanded, laid out and drawn in ${elapsed} ms`);
    expect(await page.getByTestId('lineage-counts').textContent()).toBe(
      `${2 + 2 * WIDE} nodes · ${1 + 2 * WIDE} edges`,
    );
    expect(errors).toEqual([]);
  });

  const shot = (name: string) => screenshot(page, `lineage-${name}`);
});
