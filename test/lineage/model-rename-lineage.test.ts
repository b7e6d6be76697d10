import { describe, expect, it } from 'vitest';
import { auditVerify } from '../../src/cli/audit-command.js';
import { mlflowCalls } from '../mlflow/support/mlflow-calls.js';
import { createRun, upload } from '../registry/registry-helpers.js';
import { backends } from '../support/backends.js';
import { useTestServer } from '../support/test-server.js';

interface WalkReply {
  nodes: { id: string; kind: string; label: string; attributes: Record<string, unknown> }[];
}

/** Lineage names a model version by its model's name, so a rename must reach the graph, deleted versions included. */
describe.each(backends)('model rename in the lineage graph on $name', (backend) => {
  const api = useTestServer(backend);
  const mlflow = mlflowCalls(api);

  const versionNodes = async (runId: string) => {
    const { status, body } = await api.call<WalkReply>(
      'GET',
      `/api/v1/lineage/downstream?nodeId=${encodeURIComponent(`run:${runId}`)}&depth=1`,
    );
    expect(status).toBe(200);
    return body.nodes
      .filter((n) => n.kind === 'model_version')
      .map((n) => ({ label: n.label, modelName: n.attributes.modelName }))
      .sort((a, b) => a.label.localeCompare(b.label));
  };

  it('relabels every version node of a renamed model', async () => {
    const runId = await createRun(api, 'rename-lineage');
    await upload(api, runId, 'model/weights.bin', 'weights');
    expect((await api.call('POST', '/api/v1/registered-models', { name: 'churn' })).status).toBe(201);
    expect((await api.call('POST', '/api/v1/registered-models', { name: 'other' })).status).toBe(201);
    for (const model of ['churn', 'churn', 'other']) {
      const created = await api.call('POST', `/api/v1/registered-models/${model}/versions`, {
        source: `runs:/${runId}/model`,
      });
      expect(created.status).toBe(201);
    }
    expect((await api.call('DELETE', '/api/v1/registered-models/churn/versions/1')).status).toBeLessThan(300);
    expect(await versionNodes(runId)).toEqual([
      { label: 'churn v1', modelName: 'churn' },
      { label: 'churn v2', modelName: 'churn' },
      { label: 'other v1', modelName: 'other' },
    ]);

    // A deployment of v2 is labelled by the model's name too.
    const target = await api.call<{ id: string }>('POST', '/api/v1/lineage/deployment-targets', { name: 'k8s-eu' });
    const deployed = await api.call<{ nodeId: string }>('POST', '/api/v1/lineage/deployments', {
      modelId: 'churn',
      version: 2,
      targetId: target.body.id,
    });
    expect(deployed.status).toBe(201);
    const deploymentLabel = async () =>
      (await api.call<{ node: { label: string } }>('GET', `/api/v1/lineage/nodes?nodeId=${deployed.body.nodeId}`)).body
        .node.label;
    expect(await deploymentLabel()).toBe('churn/2 → k8s-eu');

    const renamed = await api.call('POST', '/api/v1/registered-models/churn/rename', { newName: 'retention' });
    expect(renamed.status).toBe(200);
    expect(await deploymentLabel()).toBe('retention/2 → k8s-eu');
    expect(await versionNodes(runId)).toEqual([
      { label: 'other v1', modelName: 'other' },
      { label: 'retention v1', modelName: 'retention' },
      { label: 'retention v2', modelName: 'retention' },
    ]);

    // The MLflow client renames through its own endpoint, to the same effect.
    const viaMlflow = await mlflow.post('registered-models/rename', { name: 'retention', new_name: 'churn-v2' });
    expect(viaMlflow.status).toBe(200);
    expect((await versionNodes(runId)).map((n) => n.label)).toEqual(['churn-v2 v1', 'churn-v2 v2', 'other v1']);
    expect(await deploymentLabel()).toBe('churn-v2/2 → k8s-eu');
    expect((await auditVerify({ backendStoreUri: api.backendUri })).code).toBe(0);
  });
});
