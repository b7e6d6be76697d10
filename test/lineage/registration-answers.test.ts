import { describe, expect, it } from 'vitest';
import { auditVerify } from '../../src/cli/audit-command.js';
import { LineageClient } from '../../src/sdk/lineage.js';
import { createRun, upload } from '../registry/registry-helpers.js';
import { backends } from '../support/backends.js';
import { useTestServer } from '../support/test-server.js';

/** Every registration answers `{kind, id, nodeId, created, <detail>}` with `nodeId` = `<kind>:<id>`. */
function expectRegistration(
  answer: { kind: string; id: string; nodeId: string; created: boolean } & Record<string, unknown>,
  kind: string,
  detail: string,
) {
  expect(answer.kind).toBe(kind);
  expect(answer.id).toEqual(expect.any(String));
  expect(answer.id.length).toBeGreaterThan(0);
  expect(answer.nodeId).toBe(`${kind}:${answer.id}`);
  expect(typeof answer.created).toBe('boolean');
  expect(answer[detail]).toEqual(expect.any(Object));
}

describe.each(backends)('lineage registration answers on $name', (backend) => {
  const api = useTestServer(backend);

  it('answer in one shape whatever is registered, and the ids chain into the next registration', async () => {
    const lineage = new LineageClient(api.url);
    const data = await lineage.registerDatasetVersion({ namespace: 'warehouse', name: 'orders', version: 'v1' });
    expectRegistration(data, 'dataset_version', 'datasetVersion');
    expect(data.created).toBe(true);
    expect(data.datasetVersion).toMatchObject({ namespace: 'warehouse', name: 'orders', version: 'v1' });

    const code = await lineage.registerCodeRef({ repository: 'https://git.example/churn', commit: 'a'.repeat(40) });
    expectRegistration(code, 'code_ref', 'codeRef');
    expect(code.codeRef).toEqual({
      repository: 'https://git.example/churn',
      commit: 'a'.repeat(40),
      dirtyDigest: null,
    });
    const codeAgain = await lineage.registerCodeRef({
      repository: 'https://git.example/churn',
      commit: 'a'.repeat(40),
    });
    expect(codeAgain).toMatchObject({ id: code.id, nodeId: code.nodeId, created: false });

    const spec = { os: 'linux', runtime: 'CPython 3.11', packages: { numpy: '1.26.4' }, hardware: { gpus: 1 } };
    const env = await lineage.registerEnvironment(spec);
    expectRegistration(env, 'environment', 'environment');
    expect(env.id).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(env.environment).toMatchObject(spec);
    expect((await lineage.registerEnvironment(spec)).created).toBe(false);

    const feature = await lineage.registerFeature({
      name: 'order_count',
      version: '1',
      codeRefId: code.id,
      inputDatasetVersionIds: [data.id],
    });
    expectRegistration(feature, 'feature_version', 'featureVersion');
    expect(feature.featureVersion).toMatchObject({ name: 'order_count', version: '1', inputs: [data.id] });

    const target = await lineage.registerDeploymentTarget({ name: 'k8s-prod', environmentId: env.id });
    expectRegistration(target, 'deployment_target', 'deploymentTarget');
    expect(target.deploymentTarget).toMatchObject({ name: 'k8s-prod', environmentId: env.id });

    const runId = await createRun(api, 'registration-answers');
    await upload(api, runId, 'model/model.bin', 'weights');
    expect((await api.call('POST', '/api/v1/registered-models', { name: 'churn' })).status).toBe(201);
    expect(
      (await api.call('POST', '/api/v1/registered-models/churn/versions', { source: `runs:/${runId}/model` })).status,
    ).toBe(201);
    const declared = await lineage.declareModelVersion({
      modelId: 'churn',
      version: 1,
      featureVersionIds: [feature.id],
      environmentId: env.id,
      codeRefId: code.id,
    });
    expectRegistration(declared, 'model_version', 'modelVersion');
    expect(declared.created).toBe(false);
    expect(declared.modelVersion).toMatchObject({ modelName: 'churn', version: 1 });
    expect(declared.id).toBe(`${declared.modelVersion.modelId}/1`);

    const deployment = await lineage.recordDeployment({ modelId: 'churn', version: 1, targetId: target.id });
    expectRegistration(deployment, 'deployment', 'deployment');
    expect(deployment.deployment).toMatchObject({ modelVersionNodeId: declared.nodeId, targetId: target.id });

    // Each id answered is the node's: the graph knows every one of them under its nodeId.
    for (const registered of [data, code, env, feature, target, declared, deployment]) {
      expect((await lineage.node(registered.nodeId)).id).toBe(registered.nodeId);
    }
  });

  it('refuses a deployment target whose environment does not exist, and writes nothing', async () => {
    const events = async () =>
      Number(
        (
          await api.server.store.db
            .selectFrom('audit_events')
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const before = await events();
    const missing = `sha256:${'0'.repeat(64)}`;
    const refused = await api.call<{ error_code: string; message: string }>(
      'POST',
      '/api/v1/lineage/deployment-targets',
      { name: 'k8s-eu', environmentId: missing },
    );
    expect(refused.status).toBe(404);
    expect(refused.body.error_code).toBe('RESOURCE_DOES_NOT_EXIST');
    expect(refused.body.message).toContain(`Environment ${missing} does not exist`);
    expect(await events()).toBe(before);
    const targets = await api.server.store.db.selectFrom('lineage_deployment_targets').selectAll().execute();
    expect(targets.filter((t) => t.name === 'k8s-eu')).toEqual([]);
    const nodes = await api.call<{ nodes: unknown[] }>(
      'GET',
      '/api/v1/lineage/nodes/search?kind=deployment_target&query=k8s-eu',
    );
    expect(nodes.body.nodes).toEqual([]);

    // A node id given where the environment id belongs is refused the same way, not taken as "no environment".
    const env = await new LineageClient(api.url).registerEnvironment({
      os: 'linux',
      runtime: 'CPython 3.12',
      packages: {},
      hardware: {},
    });
    const asNode = await api.call('POST', '/api/v1/lineage/deployment-targets', {
      name: 'k8s-eu',
      environmentId: env.nodeId,
    });
    expect(asNode.status).toBe(404);
    // The name stayed free: the same target with the environment's id is created.
    const created = await api.call<{ deploymentTarget: { environmentId: string } }>(
      'POST',
      '/api/v1/lineage/deployment-targets',
      { name: 'k8s-eu', environmentId: env.id },
    );
    expect(created.status).toBe(201);
    expect(created.body.deploymentTarget.environmentId).toBe(env.id);
    expect((await auditVerify({ backendStoreUri: api.backendUri })).code).toBe(0);
  });
});
