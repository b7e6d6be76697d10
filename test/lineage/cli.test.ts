import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { directoryDigest } from '../../src/domain/lineage/content-digest.js';
import { backends } from '../support/backends.js';
import { CLI_BUNDLE } from '../support/cli-bundle.js';
import { useTestServer } from '../support/test-server.js';
import { buildRetailGraph, type RetailGraph } from './retail-scenario.js';

const ROOT = join(import.meta.dirname, '..', '..');
const exec = promisify(execFile);

async function mnemo(...args: string[]): Promise<{ stdout: string; stderr: string }> {
  // S3 URIs in the graph are read through a closed loopback port: nothing leaves the machine, and the reader's
  // failure to connect must come back as a skipped location, not as an error.
  const env = {
    ...process.env,
    MNEMO_S3_ENDPOINT_URL: 'http://127.0.0.1:9',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_MAX_ATTEMPTS: '1',
  };
  return exec(process.execPath, [CLI_BUNDLE, ...args], { cwd: ROOT, timeout: 120_000, env });
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe.each(backends)('mnemo lineage and mnemo reconcile on $name', (backend) => {
  const api = useTestServer(backend);
  let g: RetailGraph;
  let dataDir: string;

  beforeAll(async () => {
    g = await buildRetailGraph(api);
    dataDir = await mkdtemp(join(tmpdir(), 'mnemo-reconcile-'));
  });
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('answers impact, path, models-trained-on and upstream over HTTP', { timeout: 300_000 }, async () => {
    const impact = await mnemo('lineage', 'impact', g.raw, '--tracking-uri', api.url, '--json');
    const report = JSON.parse(impact.stdout) as { modelVersions: { id: string }[]; deployments: { id: string }[] };
    expect(report.modelVersions.map((m) => m.id)).toEqual([g.modelVersion]);
    expect(report.deployments.map((d) => d.id)).toEqual([g.deployment]);

    const text = await mnemo('lineage', 'impact', g.raw, '--tracking-uri', api.url);
    expect(text.stdout).toContain('model versions (1)');
    expect(text.stdout).toContain('derived_from → derived_from → consumed → produced');
    expect(text.stdout).toContain('models: churn (1 versions)');

    const path = await mnemo('lineage', 'path', g.target, g.raw, '--tracking-uri', api.url);
    expect(path.stdout).toContain(`6 edges from ${g.raw} to ${g.target}`);

    const trained = await mnemo('lineage', 'models-trained-on', g.source, '--tracking-uri', api.url, '--json');
    expect((JSON.parse(trained.stdout) as { modelVersions: { id: string }[] }).modelVersions.map((m) => m.id)).toEqual([
      g.modelVersion,
    ]);

    const upstream = await mnemo(
      'lineage',
      'upstream',
      g.modelVersion,
      '--edge-types',
      'depends_on',
      '--depth',
      '99',
      '--tracking-uri',
      api.url,
    );
    expect(upstream.stdout).toContain('3 nodes');
    expect(upstream.stdout).toContain('(depth limited to the cap of 50)');
  });

  it('tells the user what went wrong when a node does not exist', { timeout: 120_000 }, async () => {
    const failed = await mnemo('lineage', 'downstream', 'run:nope', '--tracking-uri', api.url).catch(
      (error: { stderr: string; code: number }) => error,
    );
    expect('code' in failed && failed.code).toBe(2);
    expect(failed.stderr).toContain('Lineage node run:nope does not exist');
  });

  it('re-reads registered data, records drift, lists unregistered files and the models it touches', {
    timeout: 300_000,
  }, async () => {
    const files = { kept: 'id,value\n1,10\n', changed: 'id,value\n2,20\n', deleted: 'id,value\n3,30\n' };
    for (const [name, content] of Object.entries(files)) await writeFile(join(dataDir, `${name}.csv`), content);
    await mkdir(join(dataDir, 'images', 'cats'), { recursive: true });
    await writeFile(join(dataDir, 'images', 'cats', '1.png'), 'png-one');
    await writeFile(join(dataDir, 'images', 'index.txt'), 'cats/1.png');
    const imagesDigest = directoryDigest([
      { path: 'cats/1.png', sha256: sha256('png-one') },
      { path: 'index.txt', sha256: sha256('cats/1.png') },
    ]);
    const register = async (name: string, uri: string, digest: string | null) => {
      const { status, body } = await api.call<{ datasetVersion: { versionId: string; nodeId: string } }>(
        'POST',
        '/api/v1/lineage/dataset-versions',
        { namespace: 'file', name, version: 'v1', uri, digest },
      );
      expect(status).toBe(201);
      return body.datasetVersion;
    };
    const url = (file: string) => pathToFileURL(join(dataDir, file)).href;
    const kept = await register('kept', url('kept.csv'), `sha256:${sha256(files.kept)}`);
    const changed = await register('changed', join(dataDir, 'changed.csv'), sha256(files.changed));
    const deleted = await register('deleted', url('deleted.csv'), `sha256:${sha256(files.deleted)}`);
    const images = await register('images', url('images'), imagesDigest);
    await register('lake', 's3://bucket/data.parquet', null);

    // A model trained on the file that is about to change.
    const experiment = await api.call<{ experiment: { experimentId: string } }>('POST', '/api/v1/experiments', {
      name: 'reco',
    });
    const run = await api.call<{ run: { runId: string } }>('POST', '/api/v1/runs', {
      experimentId: experiment.body.experiment.experimentId,
    });
    const runId = run.body.run.runId;
    expect(
      (await api.call('POST', '/api/v1/lineage/edges', { from: changed.nodeId, to: `run:${runId}`, type: 'consumed' }))
        .status,
    ).toBe(201);
    const upload = await fetch(`${api.url}/api/v1/runs/${runId}/artifacts/model/model.bin`, {
      method: 'PUT',
      body: 'weights',
    });
    expect(upload.status).toBeLessThan(300);
    expect((await api.call('POST', '/api/v1/registered-models', { name: 'reco' })).status).toBe(201);
    const version = await api.call('POST', '/api/v1/registered-models/reco/versions', {
      source: `runs:/${runId}/model`,
      runId,
    });
    expect(version.status).toBe(201);
    const trained = await api.call<{ nodes: { id: string; kind: string }[] }>(
      'GET',
      `/api/v1/lineage/downstream?nodeId=${encodeURIComponent(`run:${runId}`)}&depth=1`,
    );
    const recoNode = trained.body.nodes.find((n) => n.kind === 'model_version')!.id;

    await writeFile(join(dataDir, 'changed.csv'), 'id,value\n2,21\n');
    await unlink(join(dataDir, 'deleted.csv'));
    await writeFile(join(dataDir, 'stray.csv'), 'nobody registered me');

    const { stdout } = await mnemo('reconcile', '--backend-store-uri', api.backendUri, '--json');
    const { data } = JSON.parse(stdout) as {
      data: {
        unchanged: { versionId: string }[];
        modified: { versionId: string; observedDigest: string; affectedModelVersions: string[] }[];
        missing: { versionId: string }[];
        skipped: { uri: string; reason: string }[];
        unregistered: string[];
      };
    };
    expect(data.unchanged.map((c) => c.versionId).sort()).toEqual([kept.versionId, images.versionId].sort());
    expect(data.modified).toEqual([
      expect.objectContaining({
        versionId: changed.versionId,
        observedDigest: `sha256:${sha256('id,value\n2,21\n')}`,
        affectedModelVersions: [recoNode],
      }),
    ]);
    // The MLflow holdout set of the retail graph points at file:///data/holdout.parquet, which is not there either.
    const holdout = g.holdout.slice('dataset_version:'.length);
    expect(data.missing.map((c) => c.versionId).sort()).toEqual([deleted.versionId, holdout].sort());
    expect(data.unregistered).toEqual([join(dataDir, 'stray.csv')]);
    expect(data.skipped).toContainEqual({
      versionId: expect.any(String),
      uri: 's3://bucket/data.parquet',
      reason: expect.stringContaining('cannot be read'),
    });

    const drifted = await api.call<{
      datasetVersion: { drift: { status: string; observedDigest: string; detectedTime: number } };
    }>('GET', `/api/v1/lineage/dataset-versions/${changed.versionId}`);
    expect(drifted.body.datasetVersion.drift).toMatchObject({
      status: 'modified',
      observedDigest: `sha256:${sha256('id,value\n2,21\n')}`,
    });
    expect(drifted.body.datasetVersion.drift.detectedTime).toBeGreaterThan(Date.now() - 120_000);
    const audit = await api.server.store.db
      .selectFrom('audit_events')
      .select(['entity_id', 'actor'])
      .where('action', '=', 'lineage.dataset_version.drift')
      .execute();
    expect(audit.map((a) => a.entity_id).sort()).toEqual([changed.versionId, deleted.versionId, holdout].sort());
    expect(audit.every((a) => a.actor === 'mnemo-reconcile')).toBe(true);

    const impact = await api.call<{
      modelVersions: { id: string; attributes: Record<string, unknown> }[];
      root: { attributes: Record<string, unknown> };
    }>('GET', `/api/v1/lineage/impact?nodeId=${encodeURIComponent(changed.nodeId)}`);
    expect(impact.body.root.attributes.driftStatus).toBe('modified');
    expect(impact.body.modelVersions.map((m) => m.id)).toEqual([recoNode]);

    const text = await mnemo('reconcile', '--backend-store-uri', api.backendUri, '--no-record-drift');
    expect(text.stdout).toContain('1 modified, 2 missing');
    expect(text.stdout).toContain(`model versions trained on it: ${recoNode}`);
    expect(text.stdout).toContain('Drift was not recorded');
  });

  it("compares Mnemo's datasets with another catalog's OpenLineage export", { timeout: 120_000 }, async () => {
    await api.call('POST', '/api/v1/lineage/dataset-versions', {
      namespace: 'postgres://crm:5432',
      name: 'crm.public.customers',
      version: '1',
      columns: [
        { name: 'id', type: 'integer' },
        { name: 'name', type: 'text' },
      ],
    });
    const event = (name: string, fields: { name: string; type: string }[]) =>
      JSON.stringify({
        eventType: 'COMPLETE',
        eventTime: '2024-07-01T00:00:00Z',
        producer: 'https://example.com/other-catalog',
        run: { runId: '0190e0f0-0000-7000-8000-00000000c001' },
        job: { namespace: 'crm', name: 'sync' },
        outputs: [
          { namespace: 'postgres://crm:5432', name, facets: { schema: { _producer: 'x', _schemaURL: 'y', fields } } },
        ],
      });
    const exportFile = join(dataDir, 'catalog.jsonl');
    await writeFile(
      exportFile,
      [
        event('crm.public.customers', [
          { name: 'id', type: 'bigint' },
          { name: 'name', type: 'text' },
          { name: 'email', type: 'text' },
        ]),
        'this is not json',
        event('crm.public.invoices', [{ name: 'id', type: 'bigint' }]),
      ].join('\n'),
    );
    const { stdout } = await mnemo(
      'reconcile',
      '--backend-store-uri',
      api.backendUri,
      '--compare-openlineage',
      exportFile,
      '--no-record-drift',
      '--json',
    );
    const { catalog } = JSON.parse(stdout) as {
      catalog: {
        onlyInCatalog: { name: string }[];
        onlyInMnemo: { name: string }[];
        schemaDiffers: {
          name: string;
          added: string[];
          removed: string[];
          retyped: { column: string; mnemo: string; catalog: string }[];
        }[];
        badLines: number[];
      };
    };
    expect(catalog.onlyInCatalog).toEqual([{ namespace: 'postgres://crm:5432', name: 'crm.public.invoices' }]);
    expect(catalog.schemaDiffers).toEqual([
      {
        namespace: 'postgres://crm:5432',
        name: 'crm.public.customers',
        added: ['email'],
        removed: [],
        retyped: [{ column: 'id', mnemo: 'integer', catalog: 'bigint' }],
      },
    ]);
    expect(catalog.onlyInMnemo.map((d) => d.name)).toContain('raw/orders');
    expect(catalog.badLines).toEqual([2]);
  });
});
