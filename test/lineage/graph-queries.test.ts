import { beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../support/backends.js';
import { useTestServer } from '../support/test-server.js';
import { buildRetailGraph, type RetailGraph } from './retail-scenario.js';

type Reached = { id: string; kind: string; depth: number; path: { from: string; to: string; type: string }[] };
type Walk = {
  nodes: Reached[];
  edges: unknown[];
  depth: { requested: number; applied: number; cap: number; capped: boolean };
  truncated: boolean;
};

const at = (nodes: Reached[]) => nodes.map((n) => `${n.id}@${n.depth}`).sort();
const steps = (path: { from: string; to: string; type: string }[]) => path.map((s) => `${s.from} -${s.type}-> ${s.to}`);

describe.each(backends)('lineage graph queries on $name', (backend) => {
  const api = useTestServer(backend);
  let g: RetailGraph;
  const get = async <T>(path: string) => {
    const { status, body } = await api.call<T>('GET', path);
    expect(status, `GET ${path}: ${JSON.stringify(body)}`).toBe(200);
    return body;
  };
  const q = encodeURIComponent;

  beforeAll(async () => {
    g = await buildRetailGraph(api);
  });

  it('walks downstream of a dataset version with the shortest path to each node', async () => {
    const walk = await get<Walk>(`/api/v1/lineage/downstream?nodeId=${q(g.raw)}&depth=10`);
    expect(at(walk.nodes)).toEqual(
      [
        `${g.sparkRun}@1`,
        `${g.clean}@1`,
        `${g.dbtRun}@2`,
        `${g.customerFeatures}@2`,
        `${g.trainingRun}@3`,
        `${g.feature}@3`,
        `${g.modelVersion}@4`,
        `${g.evaluationRun}@5`,
        `${g.deployment}@5`,
        `${g.target}@6`,
      ].sort(),
    );
    const modelVersion = walk.nodes.find((n) => n.id === g.modelVersion)!;
    expect(steps(modelVersion.path)).toEqual([
      `${g.raw} -derived_from-> ${g.clean}`,
      `${g.clean} -derived_from-> ${g.customerFeatures}`,
      `${g.customerFeatures} -consumed-> ${g.trainingRun}`,
      `${g.trainingRun} -produced-> ${g.modelVersion}`,
    ]);
    expect(walk.depth).toEqual({ requested: 10, applied: 10, cap: 50, capped: false });
    expect(walk.truncated).toBe(false);
  });

  it('walks upstream of the model version through every producer back to the source table', async () => {
    const walk = await get<Walk>(`/api/v1/lineage/upstream?nodeId=${q(g.modelVersion)}&depth=20`);
    const airflowCode = walk.nodes.find((n) => n.kind === 'code_ref' && n.id !== g.codeRef)!;
    expect(at(walk.nodes)).toEqual(
      [
        `${g.trainingRun}@1`,
        `${g.feature}@1`,
        `${g.environment}@1`,
        `${g.codeRef}@1`,
        `${g.customerFeatures}@2`,
        `${g.holdout}@2`,
        `${g.dbtRun}@3`,
        `${g.clean}@3`,
        `${g.sparkRun}@4`,
        `${g.raw}@4`,
        `${g.airflowRun}@5`,
        `${g.source}@6`,
        `${airflowCode.id}@6`,
      ].sort(),
    );
    const onlyDependencies = await get<Walk>(
      `/api/v1/lineage/upstream?nodeId=${q(g.modelVersion)}&edgeTypes=depends_on&depth=5`,
    );
    expect(at(onlyDependencies.nodes)).toEqual([`${g.feature}@1`, `${g.environment}@1`, `${g.codeRef}@1`].sort());
  });

  it('answers which models were trained on a dataset version, ignoring deployments', async () => {
    for (const data of [g.source, g.raw, g.holdout, g.customerFeatures]) {
      const reply = await get<{ modelVersions: Reached[] }>(
        `/api/v1/lineage/dataset-versions/${q(data.slice('dataset_version:'.length))}/models`,
      );
      expect(reply.modelVersions.map((m) => m.id)).toEqual([g.modelVersion]);
    }
    const unknown = await api.call('GET', '/api/v1/lineage/dataset-versions/nope/models');
    expect(unknown.status).toBe(404);
  });

  it('lists what relies on any version of a feature', async () => {
    const reply = await get<{ featureVersions: { id: string }[]; dependents: Reached[] }>(
      '/api/v1/lineage/features/customer_ltv/dependents',
    );
    expect(reply.featureVersions.map((f) => f.id)).toEqual([g.feature]);
    expect(at(reply.dependents)).toEqual(
      [`${g.modelVersion}@1`, `${g.evaluationRun}@2`, `${g.deployment}@2`, `${g.target}@3`].sort(),
    );
  });

  it('reports the impact of a changed dataset version by kind, with the path to each', async () => {
    const report = await get<{
      runs: Reached[];
      modelVersions: Reached[];
      models: { modelId: string; name: string; versions: string[] }[];
      datasetVersions: Reached[];
      featureVersions: Reached[];
      deployments: Reached[];
      deploymentTargets: Reached[];
    }>(`/api/v1/lineage/impact?nodeId=${q(g.raw)}`);
    expect(at(report.runs)).toEqual(
      [`${g.sparkRun}@1`, `${g.dbtRun}@2`, `${g.trainingRun}@3`, `${g.evaluationRun}@5`].sort(),
    );
    expect(at(report.modelVersions)).toEqual([`${g.modelVersion}@4`]);
    expect(report.models).toEqual([{ modelId: g.modelId, name: 'churn', versions: [g.modelVersion] }]);
    expect(at(report.datasetVersions)).toEqual([`${g.clean}@1`, `${g.customerFeatures}@2`].sort());
    expect(at(report.featureVersions)).toEqual([`${g.feature}@3`]);
    expect(at(report.deployments)).toEqual([`${g.deployment}@5`]);
    expect(steps(report.deployments[0]!.path)).toEqual([
      `${g.raw} -derived_from-> ${g.clean}`,
      `${g.clean} -derived_from-> ${g.customerFeatures}`,
      `${g.customerFeatures} -consumed-> ${g.trainingRun}`,
      `${g.trainingRun} -produced-> ${g.modelVersion}`,
      `${g.modelVersion} -deployed_to-> ${g.deployment}`,
    ]);
    expect(at(report.deploymentTargets)).toEqual([`${g.target}@6`]);

    // A new numpy touches the environment: the model version and the target that runs it.
    const environment = await get<{ modelVersions: Reached[]; deploymentTargets: Reached[]; runs: Reached[] }>(
      `/api/v1/lineage/impact?nodeId=${q(g.environment)}`,
    );
    expect(at(environment.modelVersions)).toEqual([`${g.modelVersion}@1`]);
    expect(at(environment.deploymentTargets)).toEqual([`${g.target}@1`]);
    expect(at(environment.runs)).toEqual([`${g.evaluationRun}@2`]);
  });

  it('finds the shortest path between two nodes in either order, and says when there is none', async () => {
    const expected = [
      `${g.raw} -derived_from-> ${g.clean}`,
      `${g.clean} -derived_from-> ${g.customerFeatures}`,
      `${g.customerFeatures} -consumed-> ${g.trainingRun}`,
      `${g.trainingRun} -produced-> ${g.modelVersion}`,
      `${g.modelVersion} -deployed_to-> ${g.deployment}`,
      `${g.deployment} -deployed_to-> ${g.target}`,
    ];
    for (const [from, to] of [
      [g.raw, g.target],
      [g.target, g.raw],
    ]) {
      const path = await get<{
        found: boolean;
        length: number;
        from: string;
        edges: { from: string; to: string; type: string }[];
      }>(`/api/v1/lineage/path?from=${q(from!)}&to=${q(to!)}`);
      expect(path.found).toBe(true);
      expect(path.from).toBe(g.raw);
      expect(path.length).toBe(6);
      expect(steps(path.edges)).toEqual(expected);
    }
    const none = await get<{ found: boolean; nodes: string[] }>(
      `/api/v1/lineage/path?from=${q(g.holdout)}&to=${q(g.source)}`,
    );
    expect(none).toMatchObject({ found: false, nodes: [] });
  });

  it('caps depth at 50 and says so, and says when an answer was cut short', async () => {
    const deep = await get<Walk>(`/api/v1/lineage/downstream?nodeId=${q(g.source)}&depth=500`);
    expect(deep.depth).toEqual({ requested: 500, applied: 50, cap: 50, capped: true });
    expect(deep.truncated).toBe(false);
    const shallow = await get<Walk>(`/api/v1/lineage/downstream?nodeId=${q(g.raw)}&depth=2`);
    expect(at(shallow.nodes)).toEqual(
      [`${g.sparkRun}@1`, `${g.clean}@1`, `${g.dbtRun}@2`, `${g.customerFeatures}@2`].sort(),
    );
    expect(shallow.truncated).toBe(true);
  });

  it('labels a file dataset by its absolute path as Marquez does', async () => {
    const { status, body } = await api.call<{ datasetVersion: { nodeId: string } }>(
      'POST',
      '/api/v1/lineage/dataset-versions',
      { namespace: 'file', name: '/data/train.parquet', version: 'v1' },
    );
    expect(status).toBe(201);
    const { node } = await get<{ node: { label: string } }>(
      `/api/v1/lineage/nodes?nodeId=${q(body.datasetVersion.nodeId)}`,
    );
    expect(node.label).toBe('file:/data/train.parquet@v1');
  });

  it('labels a deployment by the model name and version, not its internal id', async () => {
    const { node } = await get<{ node: { label: string } }>(`/api/v1/lineage/nodes?nodeId=${q(g.deployment)}`);
    expect(node.label).toBe('churn/1 → prod-eu-west');
  });

  it('walks cycles without hanging', async () => {
    const ids: string[] = [];
    for (const name of ['a', 'b', 'c']) {
      const { body } = await api.call<{ datasetVersion: { nodeId: string } }>(
        'POST',
        '/api/v1/lineage/dataset-versions',
        {
          namespace: 'cycle',
          name,
          version: 'v1',
        },
      );
      ids.push(body.datasetVersion.nodeId);
    }
    const [a, b, c] = ids as [string, string, string];
    for (const [from, to] of [
      [a, b],
      [b, c],
      [c, a],
    ]) {
      const { status } = await api.call('POST', '/api/v1/lineage/edges', { from, to, type: 'derived_from' });
      expect(status).toBe(201);
    }
    const started = Date.now();
    const walk = await get<Walk>(`/api/v1/lineage/downstream?nodeId=${q(a)}&depth=50`);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(at(walk.nodes)).toEqual([`${b}@1`, `${c}@2`].sort());
    expect(walk.truncated).toBe(false);
    const around = await get<{ found: boolean; length: number }>(`/api/v1/lineage/path?from=${q(c)}&to=${q(b)}`);
    expect(around).toMatchObject({ found: true, length: 2 });
  });

  it('answers the Marquez-shaped neighbourhood of a node', async () => {
    const reply = await get<{
      graph: {
        id: string;
        type: string;
        data: Record<string, unknown>;
        inEdges: { origin: string; destination: string }[];
        outEdges: { origin: string; destination: string }[];
      }[];
    }>(`/api/v1/lineage?nodeId=${q(g.sparkRun)}&depth=1`);
    const byId = new Map(reply.graph.map((n) => [n.id, n]));
    expect([...byId.keys()].sort()).toEqual([g.sparkRun, g.raw, g.clean].sort());
    expect(byId.get(g.sparkRun)).toMatchObject({
      type: 'RUN',
      inEdges: [{ origin: g.raw, destination: g.sparkRun }],
      outEdges: [{ origin: g.sparkRun, destination: g.clean }],
    });
    expect(byId.get(g.sparkRun)!.data.status).toBe('FINISHED');
    expect(
      byId
        .get(g.raw)!
        .outEdges.map((e) => e.destination)
        .sort(),
    ).toEqual([g.sparkRun, g.clean].sort());
    expect(byId.get(g.clean)!.type).toBe('DATASET_VERSION');
  });

  it('exports the model version provenance as PROV-JSON', async () => {
    const prov = await get<{
      prefix: Record<string, string>;
      entity: Record<string, Record<string, unknown>>;
      activity: Record<string, Record<string, unknown>>;
      agent: Record<string, Record<string, unknown>>;
      used: Record<string, Record<string, string>>;
      wasGeneratedBy: Record<string, Record<string, string>>;
      wasDerivedFrom: Record<string, Record<string, string>>;
      wasAssociatedWith: Record<string, Record<string, string>>;
    }>(`/api/v1/lineage/model-versions/churn/1/prov`);
    const m = (id: string) => `mnemo:${id}`;
    const airflowCode = Object.keys(prov.entity).find((k) => k.includes('code_ref') && k !== m(g.codeRef))!;
    expect(prov.prefix).toEqual({ mnemo: 'urn:mnemo:' });
    expect(Object.keys(prov.entity).sort()).toEqual(
      [g.modelVersion, g.feature, g.environment, g.codeRef, g.customerFeatures, g.holdout, g.clean, g.raw, g.source]
        .map(m)
        .concat(airflowCode)
        .sort(),
    );
    expect(Object.keys(prov.activity).sort()).toEqual(
      [g.trainingRun, g.dbtRun, g.sparkRun, g.airflowRun].map(m).sort(),
    );
    const pairs = (relation: Record<string, Record<string, string>>, a: string, b: string) =>
      Object.values(relation)
        .map((r) => `${r[a]} ${r[b]}`)
        .sort();
    expect(pairs(prov.used, 'prov:activity', 'prov:entity')).toEqual(
      [
        `${m(g.trainingRun)} ${m(g.customerFeatures)}`,
        `${m(g.trainingRun)} ${m(g.holdout)}`,
        `${m(g.dbtRun)} ${m(g.clean)}`,
        `${m(g.sparkRun)} ${m(g.raw)}`,
        `${m(g.airflowRun)} ${m(g.source)}`,
        `${m(g.airflowRun)} ${airflowCode}`,
      ].sort(),
    );
    expect(pairs(prov.wasGeneratedBy, 'prov:entity', 'prov:activity')).toEqual(
      [
        `${m(g.modelVersion)} ${m(g.trainingRun)}`,
        `${m(g.customerFeatures)} ${m(g.dbtRun)}`,
        `${m(g.clean)} ${m(g.sparkRun)}`,
        `${m(g.raw)} ${m(g.airflowRun)}`,
      ].sort(),
    );
    expect(pairs(prov.wasDerivedFrom, 'prov:generatedEntity', 'prov:usedEntity')).toEqual(
      [
        `${m(g.feature)} ${m(g.customerFeatures)}`,
        `${m(g.feature)} ${m(g.codeRef)}`,
        `${m(g.modelVersion)} ${m(g.feature)}`,
        `${m(g.modelVersion)} ${m(g.environment)}`,
        `${m(g.modelVersion)} ${m(g.codeRef)}`,
        `${m(g.clean)} ${m(g.raw)}`,
        `${m(g.customerFeatures)} ${m(g.clean)}`,
      ].sort(),
    );
    expect(pairs(prov.wasAssociatedWith, 'prov:activity', 'prov:agent')).toEqual(
      [
        `${m(g.trainingRun)} mnemo:user/ana`,
        `${m(g.trainingRun)} mnemo:software/https://github.com/acme/churn-model`,
        `${m(g.airflowRun)} mnemo:software/https://github.com/apache/airflow/tree/providers-openlineage/1.8.0`,
        `${m(g.sparkRun)} mnemo:software/https://github.com/OpenLineage/OpenLineage/tree/1.13.1/integration/spark`,
        `${m(g.dbtRun)} mnemo:software/https://github.com/OpenLineage/OpenLineage/tree/1.13.1/integration/dbt`,
      ].sort(),
    );
    expect(prov.agent['mnemo:user/ana']).toEqual({ 'prov:type': 'prov:Person', 'prov:label': 'ana' });
    expect(prov.activity[m(g.sparkRun)]!['prov:startTime']).toBe('2024-05-02T02:10:12.003Z');
  });

  it('scores lineage completeness per model version', async () => {
    const full = await get<{ score: number; missing: string[]; linked: Record<string, boolean> }>(
      '/api/v1/lineage/model-versions/churn/1/completeness',
    );
    expect(full).toMatchObject({ score: 1, missing: [] });
    const trainingRunId = g.trainingRun.slice('run:'.length);
    expect((await api.call('POST', '/api/v1/registered-models', { name: 'bare-model' })).status).toBe(201);
    const registered = await api.call('POST', '/api/v1/registered-models/bare-model/versions', {
      source: `runs:/${trainingRunId}/model`,
      runId: trainingRunId,
    });
    expect(registered.status).toBe(201);
    const partial = await get<{ score: number; missing: string[]; linked: Record<string, boolean> }>(
      '/api/v1/lineage/model-versions/bare-model/1/completeness',
    );
    expect(partial).toMatchObject({
      score: 0.33,
      missing: ['code', 'environment', 'features', 'evaluation'],
      linked: { files: true, data: true, code: false, environment: false, features: false, evaluation: false },
    });
  });

  it('counts evaluations recorded on the version and the git commit of the run that produced it', async () => {
    type Score = { score: number; missing: string[]; linked: Record<string, boolean> };
    const { body: exp } = await api.call<{ experiment: { experimentId: string } }>('POST', '/api/v1/experiments', {
      name: 'graded-training',
    });
    const { body: created } = await api.call<{ run: { runId: string } }>('POST', '/api/v1/runs', {
      experimentId: exp.experiment.experimentId,
      tags: { 'mlflow.source.git.commit': '4f2a9c1e0b7d' },
    });
    const runId = created.run.runId;
    const uploaded = await fetch(`${api.url}/api/v1/runs/${runId}/artifacts/model/model.bin`, {
      method: 'PUT',
      body: 'weights',
    });
    expect(uploaded.status).toBeLessThan(300);
    expect((await api.call('POST', '/api/v1/registered-models', { name: 'graded' })).status).toBe(201);
    const version = await api.call('POST', '/api/v1/registered-models/graded/versions', {
      source: `runs:/${runId}/model`,
      runId,
    });
    expect(version.status).toBe(201);
    const before = await get<Score>('/api/v1/lineage/model-versions/graded/1/completeness');
    expect(before.linked).toMatchObject({ code: true, evaluation: false });

    const evaluated = await api.call('POST', '/api/v1/registered-models/graded/versions/1/evaluations', {
      results: [{ metric: 'auc', value: 0.91 }],
    });
    expect(evaluated.status).toBe(201);
    const after = await get<Score>('/api/v1/lineage/model-versions/graded/1/completeness');
    expect(after.linked).toMatchObject({ code: true, evaluation: true, environment: false });
    expect(after.missing).toEqual(['data', 'environment', 'features']);
    expect(after.score).toBe(0.5);
  });

  it('exports the whole graph as JSON and GraphML', async () => {
    const json = await get<{ nodes: { id: string }[]; edges: { from: string; to: string; type: string }[] }>(
      '/api/v1/lineage/export',
    );
    expect(json.nodes.map((n) => n.id)).toEqual(expect.arrayContaining([g.raw, g.modelVersion, g.target]));
    expect(json.edges).toContainEqual(expect.objectContaining({ from: g.raw, to: g.clean, type: 'derived_from' }));
    const response = await fetch(`${api.url}/api/v1/lineage/export?format=graphml`);
    expect(response.headers.get('content-type')).toContain('application/graphml+xml');
    const xml = await response.text();
    expect(xml).toContain(`<node id="${g.raw}">`);
    expect(xml).toContain(`<edge source="${g.raw}" target="${g.clean}"><data key="type">derived_from</data>`);
    expect(xml.match(/<node /g)).toHaveLength(json.nodes.length);
    expect(xml.match(/<edge /g)).toHaveLength(json.edges.length);
  });

  it('refuses bad queries and impossible edges with 4xx and changes nothing', async () => {
    const cases: [string, number][] = [
      ['/api/v1/lineage/downstream?nodeId=nonsense', 400],
      ['/api/v1/lineage/downstream?nodeId=planet:earth', 400],
      [`/api/v1/lineage/downstream?nodeId=${q(g.raw)}&edgeTypes=consumed,teleported`, 400],
      [`/api/v1/lineage/downstream?nodeId=${q(g.raw)}&depth=0`, 400],
      ['/api/v1/lineage/upstream?nodeId=run:does-not-exist', 404],
      ['/api/v1/lineage/model-versions/churn/7/prov', 404],
    ];
    for (const [path, status] of cases) {
      const reply = await api.call<{ error_code: string }>('GET', path);
      expect(reply.status, path).toBe(status);
      expect(reply.body.error_code, path).toBeTruthy();
    }
    const before = await get<{ edges: unknown[] }>('/api/v1/lineage/export');
    const wrongKinds = await api.call<{ message: string }>('POST', '/api/v1/lineage/edges', {
      from: g.trainingRun,
      to: g.environment,
      type: 'consumed',
    });
    expect(wrongKinds.status).toBe(400);
    expect(wrongKinds.body.message).toContain('run → environment');
    const missing = await api.call('POST', '/api/v1/lineage/edges', {
      from: g.raw,
      to: 'run:0000',
      type: 'consumed',
    });
    expect(missing.status).toBe(404);
    const after = await get<{ edges: unknown[] }>('/api/v1/lineage/export');
    expect(after.edges).toHaveLength(before.edges.length);
  });

  it('audits every edge it records', async () => {
    const rows = await api.server.store.db
      .selectFrom('audit_events')
      .select('entity_id')
      .where('action', '=', 'lineage.edge.create')
      .execute();
    const json = await get<{ edges: { from: string; to: string; type: string }[] }>('/api/v1/lineage/export');
    expect(rows.map((r) => r.entity_id).sort()).toEqual(json.edges.map((e) => `${e.from} ${e.type} ${e.to}`).sort());
  });
});
