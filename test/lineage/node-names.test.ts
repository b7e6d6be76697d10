import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../support/backends.js';
import { CLI_BUNDLE } from '../support/cli-bundle.js';
import { useTestServer } from '../support/test-server.js';
import { buildRetailGraph, type RetailGraph } from './retail-scenario.js';

const ROOT = join(import.meta.dirname, '..', '..');
const exec = promisify(execFile);

async function mnemo(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec(process.execPath, [CLI_BUNDLE, ...args], {
      cwd: ROOT,
      timeout: 120_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

const q = encodeURIComponent;

interface Walk {
  roots: { id: string }[];
  nodes: { id: string }[];
}
interface Neighbourhood {
  graph: { id: string; inEdges: { origin: string }[]; outEdges: { destination: string }[] }[];
}

describe.each(backends)('lineage nodes named as users know them on $name', (backend) => {
  const api = useTestServer(backend);
  let g: RetailGraph;

  beforeAll(async () => {
    g = await buildRetailGraph(api);
  });

  it('takes a model version by its model name, a feature as name@version and a target by name', async () => {
    // The stored id is the registry's internal model id, which no registry answer shows.
    expect(g.modelVersion).not.toBe('model_version:churn/1');
    const up = await api.call<Walk>('GET', `/api/v1/lineage/upstream?nodeId=${q('model_version:churn/1')}`);
    expect(up.status).toBe(200);
    expect(up.body.roots.map((r) => r.id)).toEqual([g.modelVersion]);
    expect(up.body.nodes.map((n) => n.id)).toContain(g.raw);

    const down = await api.call<Walk>('GET', `/api/v1/lineage/downstream?nodeId=${q('model_version:churn/1')}`);
    expect(down.body.nodes.map((n) => n.id)).toEqual(expect.arrayContaining([g.deployment, g.evaluationRun]));
    const impact = await api.call<{ root: { id: string }; deployments: { id: string }[] }>(
      'GET',
      `/api/v1/lineage/impact?nodeId=${q('feature_version:customer_ltv@1')}`,
    );
    expect(impact.body.root.id).toBe(g.feature);
    expect(impact.body.deployments.map((d) => d.id)).toEqual([g.deployment]);

    const path = await api.call<{ found: boolean; from: string; to: string; length: number }>(
      'GET',
      `/api/v1/lineage/path?from=${q('model_version:churn/1')}&to=${q('deployment_target:prod-eu-west')}`,
    );
    expect(path.body).toMatchObject({ found: true, from: g.modelVersion, to: g.target, length: 2 });

    const trained = await api.call<{ modelVersions: { id: string }[] }>(
      'GET',
      `/api/v1/lineage/dataset-versions/${q('dataset:postgres://orders-db.internal:5432:shop.public.orders')}/models`,
    );
    expect(trained.body.modelVersions.map((m) => m.id)).toEqual([g.modelVersion]);

    const node = await api.call<{ node: { id: string } }>(
      'GET',
      `/api/v1/lineage/nodes?nodeId=${q('deployment_target:prod-eu-west')}`,
    );
    expect(node.body.node.id).toBe(g.target);

    // Edges may name their ends the same way.
    const run = await api.call<{ run: { runId: string } }>('POST', '/api/v1/runs', {
      experimentId: (
        await api.call<{ experiment: { experimentId: string } }>('GET', '/api/v1/experiments/by-name/churn')
      ).body.experiment.experimentId,
    });
    const edge = await api.call<{ edge: { from: string; to: string } }>('POST', '/api/v1/lineage/edges', {
      from: 'model_version:churn/1',
      to: `run:${run.body.run.runId}`,
      type: 'consumed',
    });
    expect(edge.status).toBe(201);
    expect(edge.body.edge.from).toBe(g.modelVersion);

    const unknown = await api.call<{ error_code: string; message: string }>(
      'GET',
      `/api/v1/lineage/upstream?nodeId=${q('model_version:nope/1')}`,
    );
    expect(unknown.status).toBe(404);
    expect(unknown.body.message).toBe('Lineage node model_version:nope/1 does not exist');
    const noVersion = await api.call('GET', `/api/v1/lineage/upstream?nodeId=${q('model_version:churn/2')}`);
    expect(noVersion.status).toBe(404);
  });

  it("takes Marquez's dataset:<namespace>:<name> and job:<namespace>:<name> in GET /lineage", async () => {
    const around = async (nodeId: string) => {
      const { status, body } = await api.call<Neighbourhood>('GET', `/api/v1/lineage?nodeId=${q(nodeId)}&depth=1`);
      expect(status, nodeId).toBe(200);
      return body.graph.map((n) => n.id).sort();
    };
    // Namespaces with colons of their own (a URI with a port, and one without) resolve to the dataset's newest
    // version, and a job to its newest run: the answer is the one for that node.
    const same = async (marquez: string, node: string, neighbours: string[]) => {
      const answer = await around(marquez);
      expect(answer, marquez).toEqual(await around(node));
      expect(answer, marquez).toEqual(expect.arrayContaining([node, ...neighbours]));
    };
    await same('dataset:s3://lake:raw/orders', g.raw, [g.airflowRun, g.sparkRun]);
    await same('dataset:postgres://warehouse.internal:5432:analytics.staging.orders_clean', g.clean, [
      g.sparkRun,
      g.dbtRun,
    ]);
    await same('dataset:postgres://orders-db.internal:5432:shop.public.orders', g.source, [g.airflowRun]);
    await same('job:airflow-prod:orders_daily.extract_orders', g.airflowRun, [g.source, g.raw]);
    await same('job:spark-cluster:clean_orders.execute_insert_into_hadoop_fs_relation_command', g.sparkRun, [
      g.raw,
      g.clean,
    ]);
    await same('job:dbt-analytics:analytics.marts.customer_features', g.dbtRun, [g.clean, g.customerFeatures]);

    for (const missing of ['dataset:s3://lake:raw/nothing', 'dataset:nocolon', 'job:airflow-prod:nope']) {
      const { status, body } = await api.call<{ error_code: string }>('GET', `/api/v1/lineage?nodeId=${q(missing)}`);
      expect([missing, status, body.error_code]).toEqual([missing, 404, 'RESOURCE_DOES_NOT_EXIST']);
    }
  });

  it('says so when a Marquez name reads as two datasets', async () => {
    for (const [namespace, name] of [
      ['a:b', 'c'],
      ['a', 'b:c'],
    ]) {
      const created = await api.call('POST', '/api/v1/lineage/dataset-versions', { namespace, name, version: '1' });
      expect(created.status).toBe(201);
    }
    const { status, body } = await api.call<{ error_code: string; message: string }>(
      'GET',
      `/api/v1/lineage?nodeId=${q('dataset:a:b:c')}`,
    );
    expect(status).toBe(400);
    expect(body.error_code).toBe('INVALID_PARAMETER_VALUE');
    expect(body.message).toContain("namespace 'a' with name 'b:c' or as namespace 'a:b' with name 'c'");
    const listed = await api.call<{ message: string }>('GET', `/api/v1/lineage/dataset-versions?dataset=${q('a:b:c')}`);
    expect(listed.status).toBe(400);
    const apart = await api.call<{ datasetVersions: unknown[] }>(
      'GET',
      `/api/v1/lineage/dataset-versions?namespace=a&name=${q('b:c')}`,
    );
    expect(apart.body.datasetVersions).toHaveLength(1);
  });

  it('lists and searches nodes and dataset versions over the API', async () => {
    const search = async (query: string) =>
      (await api.call<{ nodes: { id: string }[]; truncated: boolean }>('GET', `/api/v1/lineage/nodes/search?${query}`))
        .body;
    const models = await search('kind=model_version');
    expect(models.nodes.map((n) => n.id)).toEqual([g.modelVersion]);
    expect((await search(`query=${q('CHURN V1')}`)).nodes.map((n) => n.id)).toContain(g.modelVersion);
    expect((await search(`kind=dataset_version&query=${q('raw/orders')}`)).nodes.map((n) => n.id)).toEqual([g.raw]);
    // % and _ are literal text, not wildcards.
    expect((await search(`query=${q('%')}`)).nodes).toEqual([]);
    expect((await search(`query=${q('customer_ltv')}`)).nodes.map((n) => n.id)).toEqual([g.feature]);
    expect((await search(`query=${q('customer_lt_')}`)).nodes).toEqual([]);
    const page = await search('maxResults=2');
    expect(page.nodes).toHaveLength(2);
    expect(page.truncated).toBe(true);
    expect((await api.call('GET', '/api/v1/lineage/nodes/search?kind=table')).status).toBe(400);

    const versions = await api.call<{ datasetVersions: { nodeId: string }[] }>(
      'GET',
      `/api/v1/lineage/dataset-versions?dataset=${q('s3://lake:raw/orders')}`,
    );
    expect(versions.body.datasetVersions.map((v) => v.nodeId)).toEqual([g.raw]);
    const both = await api.call('GET', `/api/v1/lineage/dataset-versions?dataset=x:y&namespace=x`);
    expect(both.status).toBe(400);
  });

  it('mnemo lineage takes names and lists nodes and dataset versions', { timeout: 300_000 }, async () => {
    const upstream = await mnemo('lineage', 'upstream', 'model_version:churn/1', '--tracking-uri', api.url, '--json');
    expect(upstream.code, upstream.stderr).toBe(0);
    expect((JSON.parse(upstream.stdout) as Walk).roots[0]!.id).toBe(g.modelVersion);

    const nodes = await mnemo(
      'lineage',
      'nodes',
      '--kind',
      'dataset_version',
      '--query',
      'orders',
      '--tracking-uri',
      api.url,
    );
    expect(nodes.code, nodes.stderr).toBe(0);
    const lines = nodes.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^KIND\s+CREATED\s+ID\s+LABEL$/);
    expect(
      lines
        .slice(1)
        .map((l) => l.split(/\s+/)[2])
        .sort(),
    ).toEqual([g.source, g.raw, g.clean].sort());
    const json = await mnemo('lineage', 'nodes', '--query', 'churn v1', '--json', '--tracking-uri', api.url);
    expect((JSON.parse(json.stdout) as { nodes: { id: string }[] }).nodes.map((n) => n.id)).toEqual([g.modelVersion]);

    const versions = await mnemo('lineage', 'dataset-versions', 's3://lake:raw/orders', '--tracking-uri', api.url);
    expect(versions.code, versions.stderr).toBe(0);
    const rows = versions.stdout.trim().split('\n');
    expect(rows[0]).toMatch(/^VERSION\s+CREATED\s+ROWS\s+DIGEST\s+DRIFT\s+NODE$/);
    expect(rows).toHaveLength(2);
    expect(rows[1]!.endsWith(g.raw)).toBe(true);
    const apart = await mnemo(
      'lineage',
      'dataset-versions',
      'raw/orders',
      '--namespace',
      's3://lake',
      '--json',
      '--tracking-uri',
      api.url,
    );
    expect((JSON.parse(apart.stdout) as { nodeId: string }[]).map((v) => v.nodeId)).toEqual([g.raw]);

    const missing = await mnemo('lineage', 'dataset-versions', 's3://lake:nothing', '--tracking-uri', api.url);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('does not exist');
  });
});
