import { beforeAll, describe, expect, it } from 'vitest';
import { LineageClient } from '../../src/sdk/lineage.js';
import type { PackageImpactJson } from '../../src/sdk/wire/package-impact-shapes.js';
import { ADMIN_TOKEN, callAs, ok, userWithToken } from '../access/access-fixture.js';
import { backends } from '../support/backends.js';
import { useTestServer } from '../support/test-server.js';

/**
 * "Which Production models depend on numpy below 2.0, and which deployments would a CVE in numpy < 2.0 touch?"
 * Expected answers were written from this fixture by hand before the code:
 * - fraud v1 (Production) declares numpy<2, vision v1 (Production) ~=1.26.0: both admit a version below 2.0;
 * - churn v1 (Production) and fraud v2 (Staging) declare numpy>=2: admit nothing below 2.0;
 * - secret v1 (Production) declares numpy<2 but is restricted: rita never sees it, not even as a count;
 * - target prod runs numpy 1.26.4 (affected), edge 2.1.0 (not), lab has no numpy;
 * - deployments: fraud/1 → prod, secret/1 → prod, fraud/2 → edge, churn/1 → edge, vision/1 → lab.
 */
describe.each(backends)('what a range of a package touches, over HTTP on $name', (backend) => {
  const api = useTestServer(backend, {
    server: { auth: { enabled: true, adminToken: ADMIN_TOKEN }, protection: { stages: [] } },
  });
  let rita = '';
  const targets: Record<string, string> = {};
  const admin = (method: string, path: string, body?: unknown) => ok(callAs(api.url, ADMIN_TOKEN, method, path, body));
  const impact = (token: string, query: string) =>
    callAs<PackageImpactJson>(api.url, token, 'GET', `/api/v1/dependencies/impact?${query}`);
  const summary = (answer: PackageImpactJson) => ({
    versions: answer.modelVersions.map((v) => `${v.model}/${v.version}`),
    targets: answer.targets.map((t) => `${t.target}:${t.installed}`),
    deployments: answer.deployments.map((d) => `${d.model}/${d.version}@${d.target}`),
  });

  beforeAll(async () => {
    rita = await userWithToken(api.url, 'rita');
    const { experiment } = (await admin('POST', '/api/v1/experiments', { name: 'impact' })) as {
      experiment: { experimentId: string };
    };
    const { run } = (await admin('POST', '/api/v1/runs', { experimentId: experiment.experimentId })) as {
      run: { runId: string };
    };
    const put = await fetch(`${api.url}/api/v1/runs/${run.runId}/artifacts/model/model.bin`, {
      method: 'PUT',
      body: 'weights',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(put.ok).toBe(true);
    const versions: [string, number, string, string][] = [
      ['fraud', 1, 'Production', '<2'],
      ['fraud', 2, 'Staging', '>=2'],
      ['churn', 1, 'Production', '>=2'],
      ['vision', 1, 'Production', '~=1.26.0'],
      ['secret', 1, 'Production', '<2'],
    ];
    for (const [model, version, stage, numpy] of versions) {
      if (version === 1) await admin('POST', '/api/v1/registered-models', { name: model });
      await admin('POST', `/api/v1/registered-models/${model}/versions`, { source: `runs:/${run.runId}/model` });
      await admin('POST', `/api/v1/registered-models/${model}/versions/${version}/stage`, { stage });
      await admin('PUT', `/api/v1/registered-models/${model}/versions/${version}/dependencies`, {
        dependencies: [
          { kind: 'pypi', name: 'numpy', specifier: numpy },
          { kind: 'pypi', name: 'pandas', specifier: '>=2' },
        ],
      });
    }
    await admin('PUT', '/api/v1/restrictions', { model: 'secret', restricted: true });
    await admin('PUT', '/api/v1/registered-models/fraud/aliases/champion', { version: 1 });

    const lineage = new LineageClient(api.url, fetch, ADMIN_TOKEN);
    for (const [name, freeze] of [
      ['prod', 'numpy==1.26.4\npandas==2.2.2\n'],
      ['edge', 'numpy==2.1.0\npandas==2.2.2\n'],
      ['lab', 'pandas==2.2.2\n'],
    ] as const) {
      targets[name] = (await lineage.registerDeploymentTarget({ name })).id;
      await admin('PUT', `/api/v1/deployment-targets/${name}/environment`, {
        file: 'requirements.txt',
        content: freeze,
      });
    }
    for (const [modelId, version, target] of [
      ['fraud', 1, 'prod'],
      ['secret', 1, 'prod'],
      ['fraud', 2, 'edge'],
      ['churn', 1, 'edge'],
      ['vision', 1, 'lab'],
    ] as const) {
      await lineage.recordDeployment({ modelId, version, targetId: targets[target] ?? '' });
    }
  });

  it('finds the Production versions whose constraint admits numpy below 2.0 and what runs an affected numpy', async () => {
    const answer = await ok(impact(rita, 'package=numpy&kind=pypi&versions=%3C2.0&stage=Production'));
    expect(summary(answer)).toEqual({
      versions: ['fraud/1', 'vision/1'],
      targets: ['prod:1.26.4'],
      deployments: ['fraud/1@prod'],
    });
    expect(answer.package).toEqual({ kind: 'pypi', name: 'numpy', nodeId: 'package:pypi/numpy' });
    const vision = answer.modelVersions.find((v) => v.model === 'vision');
    expect(vision?.declarations).toEqual([{ specifier: '~=1.26.0', witness: '1.26.0' }]);
    expect(vision?.path).toEqual([
      { from: 'package:pypi/numpy', to: vision?.nodeId, type: 'depends_on', specifier: '~=1.26.0' },
    ]);
    expect(vision?.nodeId).toMatch(/^model_version:.+\/1$/);
    const prod = `deployment_target:${targets.prod}`;
    expect(answer.deployments[0]?.path).toEqual([
      { from: answer.deployments[0]?.nodeId, to: prod, type: 'deployed_to' },
      { from: 'package:pypi/numpy', to: prod, type: 'provides', version: '1.26.4' },
    ]);
  });

  it('answers the other side of the range, and narrows to an alias', async () => {
    expect(summary(await ok(impact(rita, 'package=NumPy&versions=%3E%3D2.0')))).toEqual({
      versions: ['churn/1', 'fraud/2'],
      targets: ['edge:2.1.0'],
      deployments: ['churn/1@edge', 'fraud/2@edge'],
    });
    expect(summary(await ok(impact(rita, 'package=numpy&versions=%3C2.0&alias=champion')))).toEqual({
      versions: ['fraud/1'],
      targets: ['prod:1.26.4'],
      deployments: ['fraud/1@prod'],
    });
    // A gap between two exclusive bounds: only vision's ~=1.26.0 reaches into 1.26.5 … 1.27.
    expect(summary(await ok(impact(rita, 'package=numpy&versions=%3E1.26.4,%3C1.27')))).toEqual({
      versions: ['fraud/1', 'vision/1'],
      targets: [],
      deployments: [],
    });
    expect(summary(await ok(impact(rita, 'package=torch&versions=%3C3')))).toEqual({
      versions: [],
      targets: [],
      deployments: [],
    });
  });

  it('never shows a restricted model to a caller without a role on it, not even in a count', async () => {
    const forAdmin = await ok(impact(ADMIN_TOKEN, 'package=numpy&versions=%3C2.0&stage=Production'));
    expect(summary(forAdmin)).toEqual({
      versions: ['fraud/1', 'secret/1', 'vision/1'],
      targets: ['prod:1.26.4'],
      deployments: ['fraud/1@prod', 'secret/1@prod'],
    });
    const forRita = await ok(impact(rita, 'package=numpy&versions=%3C2.0'));
    expect(forRita.modelVersions).toHaveLength(2);
    expect(forRita.deployments).toHaveLength(1);
    expect(JSON.stringify(forRita)).not.toContain('secret');
  });

  it('refuses a bad range, package, kind or stage with a 400 naming what was expected', async () => {
    for (const [query, says] of [
      ['package=numpy&versions=%3C2.x', "versions: '<2.x' at column 1 is not a PEP 440 specifier (e.g. <2.0"],
      ['package=lodash&kind=npm&versions=%3C%3C2', "versions: '<<2' is not an npm semver range"],
      ['package=numpy', 'versions'],
      ['package=numpy&versions=%3C2&kind=cargo', 'kind'],
      ['package=-numpy&versions=%3C2', "package: '-numpy' is not a Python package name"],
      ['package=numpy&versions=%3C2&stage=Live', "Invalid model version stage 'Live'"],
    ] as const) {
      const refused = await impact(rita, query);
      expect(refused.status, query).toBe(400);
      expect(refused.body, query).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE' });
      expect((refused.body as unknown as { message: string }).message, query).toContain(says);
    }
  });

  it('puts package nodes in lineage reads: upstream of a version, downstream of the package, and in PROV', async () => {
    const fraud = (await ok(impact(ADMIN_TOKEN, 'package=numpy&versions=%3C2.0&alias=champion'))).modelVersions[0]!;
    const upstream = (await ok(
      callAs(api.url, rita, 'GET', `/api/v1/lineage/upstream?nodeId=${encodeURIComponent(fraud.nodeId)}`),
    )) as { nodes: { id: string; kind: string; path: { from: string; type: string }[] }[] };
    const numpy = upstream.nodes.find((n) => n.id === 'package:pypi/numpy');
    expect(numpy).toMatchObject({ kind: 'package', path: [{ from: 'package:pypi/numpy', type: 'depends_on' }] });
    expect(upstream.nodes.some((n) => n.id === 'package:pypi/pandas')).toBe(true);

    const downstream = (await ok(
      callAs(
        api.url,
        rita,
        'GET',
        '/api/v1/lineage/downstream?nodeId=package%3Apypi%2Fnumpy&edgeTypes=depends_on,provides',
      ),
    )) as { nodes: { id: string; kind: string }[]; edges: { from: string; to: string; type: string }[] };
    const kinds = downstream.nodes.map((n) => n.kind);
    expect(kinds.filter((k) => k === 'model_version')).toHaveLength(4);
    expect(
      downstream.nodes
        .filter((n) => n.kind === 'deployment_target')
        .map((n) => n.id)
        .sort(),
    ).toEqual([`deployment_target:${targets.prod}`, `deployment_target:${targets.edge}`].sort());
    expect(JSON.stringify(downstream)).not.toContain('secret');
    const everything = await ok(
      callAs(api.url, rita, 'GET', '/api/v1/lineage/downstream?nodeId=package%3Apypi%2Fnumpy'),
    );
    // secret's deployment on prod was reached only through secret v1: it goes with it, and so does its edge.
    expect(JSON.stringify(everything)).not.toContain('secret');
    const deployments = (everything as { nodes: { kind: string; label: string }[] }).nodes.filter(
      (n) => n.kind === 'deployment',
    );
    expect(deployments.map((n) => n.label).sort()).toEqual([
      'churn/1 → edge',
      'fraud/1 → prod',
      'fraud/2 → edge',
      'vision/1 → lab',
    ]);
    const reached = (everything as { nodes: { label: string; depth: number; path: { type: string }[] }[] }).nodes;
    const fraudOnProd = reached.find((n) => n.label === 'fraud/1 → prod');
    expect([fraudOnProd?.depth, fraudOnProd?.path.map((p) => p.type)]).toEqual([2, ['depends_on', 'deployed_to']]);
    const prodTarget = reached.find((n) => n.label === 'prod');
    expect([prodTarget?.depth, prodTarget?.path.map((p) => p.type)]).toEqual([1, ['provides']]);

    // Upstream of a target: the packages its environment provides, with the installed version on the edge.
    const ofProd = (await ok(
      callAs(
        api.url,
        rita,
        'GET',
        `/api/v1/lineage/upstream?nodeId=deployment_target%3A${targets.prod}&edgeTypes=provides`,
      ),
    )) as { nodes: { id: string }[]; edges: { from: string; type: string; attributes: { version?: string } }[] };
    expect(ofProd.nodes.map((n) => n.id).sort()).toEqual(['package:pypi/numpy', 'package:pypi/pandas']);
    expect(ofProd.edges.find((e) => e.from === 'package:pypi/numpy')).toMatchObject({
      type: 'provides',
      attributes: { version: '1.26.4' },
    });

    const forAdmin = (await ok(
      callAs(
        api.url,
        ADMIN_TOKEN,
        'GET',
        '/api/v1/lineage/downstream?nodeId=package%3Apypi%2Fnumpy&edgeTypes=depends_on',
      ),
    )) as { nodes: { kind: string }[] };
    expect(forAdmin.nodes.filter((n) => n.kind === 'model_version')).toHaveLength(5);

    const node = (await ok(callAs(api.url, rita, 'GET', '/api/v1/lineage/nodes?nodeId=package%3Apypi%2Fnumpy'))) as {
      node: { kind: string; label: string };
    };
    expect(node.node).toMatchObject({ kind: 'package', label: 'numpy (pypi)' });
    const missing = await callAs(api.url, rita, 'GET', '/api/v1/lineage/nodes?nodeId=package%3Apypi%2Fnot-declared');
    expect(missing.status).toBe(404);

    const [modelId, version] = fraud.nodeId.slice('model_version:'.length).split('/');
    const prov = (await ok(
      callAs(api.url, ADMIN_TOKEN, 'GET', `/api/v1/lineage/model-versions/${modelId}/${version}/prov`),
    )) as { entity: Record<string, unknown>; wasDerivedFrom: Record<string, Record<string, string>> };
    expect(prov.entity['mnemo:package:pypi/numpy']).toMatchObject({ 'prov:type': 'mnemo:package' });
    expect(Object.values(prov.wasDerivedFrom)).toContainEqual({
      'prov:generatedEntity': `mnemo:${fraud.nodeId}`,
      'prov:usedEntity': 'mnemo:package:pypi/numpy',
      'prov:type': 'mnemo:depends_on',
    });
  });
});
