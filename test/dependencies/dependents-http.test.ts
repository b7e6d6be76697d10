import { beforeAll, describe, expect, it } from 'vitest';
import { LineageClient } from '../../src/sdk/lineage.js';
import type { DependentsJson } from '../../src/sdk/wire/dependency-shapes.js';
import { ADMIN_TOKEN, callAs, ok, userWithToken } from '../access/access-fixture.js';
import { backends } from '../support/backends.js';
import { useTestServer } from '../support/test-server.js';

/**
 * "Which Production models depend on numpy below 2.0, and which deployments run an affected numpy?" The expected
 * answers below were written from the fixture by hand: declarations are matched when they admit an affected
 * version, deployments when their target has one installed, and a restricted model never appears.
 */
describe.each(backends)('dependents of a package over HTTP on $name', (backend) => {
  const api = useTestServer(backend, {
    server: { auth: { enabled: true, adminToken: ADMIN_TOKEN }, protection: { stages: [] } },
  });
  let rita = '';
  const admin = (method: string, path: string, body?: unknown) => ok(callAs(api.url, ADMIN_TOKEN, method, path, body));
  const dependents = (token: string, query: string) =>
    callAs<DependentsJson>(api.url, token, 'GET', `/api/v1/dependencies/dependents?${query}`);
  const summary = (answer: DependentsJson) => ({
    versions: answer.modelVersions.map((v) => `${v.model}/${v.version}`),
    deployments: answer.affectedDeployments.map((d) => `${d.model}/${d.version}@${d.target}:${d.installed}`),
  });

  beforeAll(async () => {
    rita = await userWithToken(api.url, 'rita');
    const { experiment } = (await admin('POST', '/api/v1/experiments', { name: 'dependents' })) as {
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
    const versions: [string, number, string, string | null][] = [
      ['fraud', 1, 'Production', '<2'],
      ['fraud', 2, 'Staging', '>=2'],
      ['churn', 1, 'Production', null],
      ['secret', 1, 'Production', '<2'],
    ];
    for (const [model, version, stage, numpy] of versions) {
      if (version === 1) await admin('POST', '/api/v1/registered-models', { name: model });
      await admin('POST', `/api/v1/registered-models/${model}/versions`, { source: `runs:/${run.runId}/model` });
      await admin('POST', `/api/v1/registered-models/${model}/versions/${version}/stage`, { stage });
      const declared = numpy === null ? [] : [{ kind: 'pypi', name: 'numpy', specifier: numpy }];
      await admin('PUT', `/api/v1/registered-models/${model}/versions/${version}/dependencies`, {
        dependencies: [...declared, { kind: 'pypi', name: 'pandas', specifier: '>=2' }],
      });
    }
    // A model whose requirements file allows pre-releases (--pre), as pip then does for every package.
    const { run: nightlyRun } = (await admin('POST', '/api/v1/runs', { experimentId: experiment.experimentId })) as {
      run: { runId: string };
    };
    for (const [file, body] of [
      ['model.bin', 'weights'],
      ['requirements.txt', '--pre\nnumpy>1.26,<2\n'],
    ]) {
      const upload = await fetch(`${api.url}/api/v1/runs/${nightlyRun.runId}/artifacts/model/${file}`, {
        method: 'PUT',
        body,
        headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      });
      expect(upload.ok).toBe(true);
    }
    await admin('POST', '/api/v1/registered-models', { name: 'nightly' });
    await admin('POST', '/api/v1/registered-models/nightly/versions', { source: `runs:/${nightlyRun.runId}/model` });
    await admin('PUT', '/api/v1/restrictions', { model: 'secret', restricted: true });
    await admin('PUT', '/api/v1/registered-models/fraud/aliases/champion', { version: 1 });

    const lineage = new LineageClient(api.url, fetch, ADMIN_TOKEN);
    const targets: Record<string, string> = {};
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
      ['fraud', 2, 'edge'],
      ['churn', 1, 'prod'],
      ['churn', 1, 'lab'],
      ['secret', 1, 'prod'],
    ] as const) {
      await lineage.recordDeployment({ modelId, version, targetId: targets[target] ?? '' });
    }
  });

  it('finds Production versions declaring or running numpy below 2.0, and the deployments it touches', async () => {
    const answer = await ok(dependents(rita, 'package=numpy&specifier=%3C2.0&stage=Production'));
    // churn declares no numpy but runs on prod with 1.26.4; fraud v2 (>=2, Staging on edge) is out on both counts.
    expect(summary(answer)).toEqual({
      versions: ['churn/1', 'fraud/1'],
      deployments: ['churn/1@prod:1.26.4', 'fraud/1@prod:1.26.4'],
    });
    const fraud = answer.modelVersions.find((v) => v.model === 'fraud');
    expect(fraud?.declarations).toMatchObject([{ specifier: '<2', affectedWitness: '1.26.4' }]);
    const churn = answer.modelVersions.find((v) => v.model === 'churn');
    expect(churn?.declarations).toEqual([]);
    expect(churn?.deployments.map((d) => [d.target, d.installed, d.installedAffected])).toEqual([
      ['lab', null, false],
      ['prod', '1.26.4', true],
    ]);
  });

  it('answers the other side of the range and narrows to an alias', async () => {
    expect(summary(await ok(dependents(rita, 'package=NumPy&specifier=%3E%3D2.0')))).toEqual({
      versions: ['fraud/2'],
      deployments: ['fraud/2@edge:2.1.0'],
    });
    expect(summary(await ok(dependents(rita, 'package=numpy&specifier=%3C2.0&alias=champion')))).toEqual({
      versions: ['fraud/1'],
      deployments: ['fraud/1@prod:1.26.4'],
    });
    expect(summary(await ok(dependents(rita, 'package=torch&specifier=%3C3')))).toEqual({
      versions: [],
      deployments: [],
    });
  });

  it('finds a declaration that meets a range of pre-releases only because its file allowed them (--pre)', async () => {
    // numpy>1.26,<2 admits the 1.27 alphas only under --pre; fraud/1 declares <2 without it, and no target runs one.
    const answer = await ok(dependents(rita, `package=numpy&specifier=${encodeURIComponent('>=1.27.0a1,<1.27.0rc1')}`));
    expect(summary(answer)).toEqual({ versions: ['nightly/1'], deployments: [] });
    expect(answer.modelVersions[0]?.declarations).toMatchObject([
      { specifier: '>1.26,<2', affectedWitness: expect.stringMatching(/^1\.27\.0(a|b|\.dev)/) },
    ]);
  });

  it('never shows a restricted model to a caller without a role on it', async () => {
    const forAdmin = await ok(dependents(ADMIN_TOKEN, 'package=numpy&specifier=%3C2.0&stage=Production'));
    expect(summary(forAdmin).versions).toEqual(['churn/1', 'fraud/1', 'secret/1']);
    const forRita = await ok(dependents(rita, 'package=numpy&specifier=%3C2.0'));
    expect(JSON.stringify(forRita)).not.toContain('secret');
  });

  it('refuses a bad specifier, package or stage with a 400', async () => {
    for (const query of [
      'package=numpy&specifier=%3D%3E2',
      'package=-numpy&specifier=%3C2',
      'package=numpy&specifier=%3C2&stage=Live',
      'package=lodash&kind=npm&specifier=not-a-range',
    ]) {
      const refused = await dependents(rita, query);
      expect(refused.status, query).toBe(400);
      expect(refused.body).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE' });
    }
  });

  it("finds the versions reading a column a dataset's schema change removes or retypes, hiding restricted ones", async () => {
    const reads = (columns: string[], numpy: string) => ({
      dependencies: [
        { kind: 'pypi', name: 'numpy', specifier: numpy },
        { kind: 'dataset', name: 'transactions', columns },
      ],
    });
    await admin('PUT', '/api/v1/registered-models/fraud/versions/1/dependencies', reads(['amount', 'merchant'], '<2'));
    await admin('PUT', '/api/v1/registered-models/churn/versions/1/dependencies', reads(['customer_id'], '>=1'));
    await admin('PUT', '/api/v1/registered-models/secret/versions/1/dependencies', reads(['amount'], '<2'));
    const change = {
      dataset: 'transactions',
      before: { amount: 'double', merchant: 'string', customer_id: 'string', ts: 'timestamp' },
      after: { amount: 'decimal(10,2)', customer_id: 'string', ts: 'TIMESTAMP' },
    };
    const amount = { column: 'amount', change: 'retyped', from: 'double', to: 'decimal(10,2)' };
    const merchant = { column: 'merchant', change: 'removed', from: 'string', to: null };
    const forRita = await ok(callAs(api.url, rita, 'POST', '/api/v1/dependencies/schema-impact', change));
    expect(forRita).toEqual({
      dataset: 'transactions',
      changes: [amount, merchant],
      affected: [{ modelVersion: 'fraud/1', changes: [amount, merchant] }],
    });
    const forAdmin = (await ok(callAs(api.url, ADMIN_TOKEN, 'POST', '/api/v1/dependencies/schema-impact', change))) as {
      affected: { modelVersion: string }[];
    };
    expect(forAdmin.affected.map((a) => a.modelVersion)).toEqual(['fraud/1', 'secret/1']);

    // A dataset declaration needs its columns; columns belong to dataset declarations only; nothing changes.
    for (const dependencies of [
      [{ kind: 'dataset', name: 'transactions' }],
      [{ kind: 'pypi', name: 'numpy', columns: ['amount'] }],
    ]) {
      const refused = await callAs(
        api.url,
        ADMIN_TOKEN,
        'PUT',
        '/api/v1/registered-models/fraud/versions/1/dependencies',
        {
          dependencies,
        },
      );
      expect(refused.status).toBe(400);
      expect(refused.body).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE' });
    }
    const missing = await callAs(api.url, rita, 'POST', '/api/v1/dependencies/schema-impact', { dataset: 'x' });
    expect(missing.status).toBe(400);
    expect(await ok(callAs(api.url, rita, 'POST', '/api/v1/dependencies/schema-impact', change))).toEqual(forRita);
    // Declaring columns leaves the environment checks alone: fraud v1 is still compatible with prod.
    const check = (await ok(
      callAs(api.url, ADMIN_TOKEN, 'GET', '/api/v1/registered-models/fraud/versions/1/compatibility?target=prod'),
    )) as { compatibility: { compatible: boolean } };
    expect(check.compatibility.compatible).toBe(true);
  });
});
