import { describe, expect, it } from 'vitest';
import { auditVerify } from '../../src/cli/audit-command.js';
import { LineageClient } from '../../src/sdk/lineage.js';
import type { RevalidationFlag } from '../../src/sdk/wire/registry-shapes.js';
import { createRun, upload } from '../registry/registry-helpers.js';
import { backends } from '../support/backends.js';
import { useTestServer } from '../support/test-server.js';

/**
 * A deployment target's environment is upstream of what runs on it: when a package a deployed version declares
 * moves, that version is flagged for revalidation with what moved; a version whose declarations the change does
 * not touch, or one deployed elsewhere, is not.
 */
describe.each(backends)('a changed target environment flags the versions deployed there on $name', (backend) => {
  const api = useTestServer(backend);

  it('flags the deployed versions whose declared packages moved, and only those', async () => {
    const runId = await createRun(api, 'env-change');
    await upload(api, runId, 'model/model.bin', 'weights');
    const declarations: Record<string, { kind: string; name: string; specifier: string }[]> = {
      fraud: [{ kind: 'pypi', name: 'numpy', specifier: '<2' }],
      churn: [{ kind: 'pypi', name: 'pandas', specifier: '>=2' }],
      ranker: [{ kind: 'pypi', name: 'numpy', specifier: '>=1.20' }],
    };
    const lineage = new LineageClient(api.url);
    const prod = await lineage.registerDeploymentTarget({ name: 'prod' });
    const staging = await lineage.registerDeploymentTarget({ name: 'staging' });
    for (const [name, dependencies] of Object.entries(declarations)) {
      expect((await api.call('POST', '/api/v1/registered-models', { name })).status).toBe(201);
      const version = await api.call<{ modelVersion: { modelId: string } }>(
        'POST',
        `/api/v1/registered-models/${name}/versions`,
        { source: `runs:/${runId}/model` },
      );
      expect(version.status).toBe(201);
      const put = await api.call('PUT', `/api/v1/registered-models/${name}/versions/1/dependencies`, { dependencies });
      expect(put.status).toBe(200);
      const target = name === 'ranker' ? staging : prod;
      await lineage.recordDeployment({ modelId: name, version: 1, targetId: target.deploymentTarget.targetId });
    }
    const setEnvironment = async (target: string, content: string) => {
      const set = await api.call('PUT', `/api/v1/deployment-targets/${target}/environment`, {
        file: 'requirements.txt',
        content,
        runtime: 'python 3.11.9',
      });
      expect([200, 201]).toContain(set.status);
    };
    for (const target of ['prod', 'staging']) await setEnvironment(target, 'numpy==1.26.4\npandas==2.2.2\n');
    const open = async () =>
      (await api.call<{ revalidations: RevalidationFlag[] }>('GET', '/api/v1/revalidations')).body.revalidations;
    // Setting a first environment changes nothing anything was deployed against.
    expect(await open()).toEqual([]);

    await setEnvironment('prod', 'numpy==2.1.0\npandas==2.2.2\n');
    await setEnvironment('staging', 'numpy==2.1.0\npandas==2.2.2\n');
    const flags = await open();
    expect(flags.map((f) => `${f.name} v${f.version}`).sort()).toEqual(['fraud v1', 'ranker v1']);
    const fraud = flags.find((f) => f.name === 'fraud')!;
    expect(fraud.cause).toMatchObject({
      kind: 'environment_change',
      upstreamLabel: 'prod environment v2',
      description: 'The environment of deployment target prod changed: numpy 1.26.4 → 2.1.0',
    });
    expect(fraud.path.map((step) => step.type)).toEqual(['depends_on', 'deployed_to', 'deployed_to']);
    const version = await api.call<{ modelVersion: { needsRevalidation: boolean } }>(
      'GET',
      '/api/v1/registered-models/fraud/versions/1',
    );
    expect(version.body.modelVersion.needsRevalidation).toBe(true);
    expect((await auditVerify({ backendStoreUri: api.backendUri })).code).toBe(0);
  });
});
