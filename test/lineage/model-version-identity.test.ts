import { describe, expect, it } from 'vitest';
import { createRun, upload } from '../registry/registry-helpers.js';
import { backends } from '../support/backends.js';
import { useTestServer } from '../support/test-server.js';

interface ExportReply {
  nodes: { id: string; kind: string; label: string }[];
}

/** A model version has exactly one node in the lineage graph, whichever order lineage and registration happen in. */
describe.each(backends)('one lineage identity per model version on $name', (backend) => {
  const api = useTestServer(backend);

  const versionNodes = async () => {
    const { body } = await api.call<ExportReply>('GET', '/api/v1/lineage/export');
    return body.nodes.filter((n) => n.kind === 'model_version');
  };

  const feature = async (name: string) => {
    const data = await api.call<{ datasetVersion: { versionId: string } }>('POST', '/api/v1/lineage/dataset-versions', {
      namespace: 'warehouse',
      name: `${name}-source`,
      version: 'v1',
    });
    expect(data.status).toBe(201);
    const { status, body } = await api.call<{ featureVersion: { featureVersionId: string } }>(
      'POST',
      '/api/v1/lineage/features',
      { name, version: '1', inputDatasetVersionIds: [data.body.datasetVersion.versionId] },
    );
    expect(status).toBe(201);
    return body.featureVersion.featureVersionId;
  };

  const register = async (name: string) => {
    const runId = await createRun(api, `identity-${name}`);
    await upload(api, runId, 'model/weights.bin', 'weights');
    expect((await api.call('POST', '/api/v1/registered-models', { name })).status).toBe(201);
    const created = await api.call('POST', `/api/v1/registered-models/${name}/versions`, {
      source: `runs:/${runId}/model`,
    });
    expect(created.status).toBe(201);
  };

  it('refuses lineage for a model that is not registered yet, and names the fix', async () => {
    const ltv = await feature('ltv-early');
    const early = await api.call<{ error_code: string; message: string }>('POST', '/api/v1/lineage/model-versions', {
      modelId: 'churn-early',
      version: 1,
      featureVersionIds: [ltv],
    });
    expect(early.status).toBe(404);
    expect(early.body.error_code).toBe('RESOURCE_DOES_NOT_EXIST');
    expect(early.body.message).toMatch(/churn-early.*register/i);
    expect(await versionNodes()).toEqual([]);

    // Registering afterwards, then declaring again, leaves one node that carries the declared feature.
    await register('churn-early');
    const declared = await api.call<{ nodeId: string }>('POST', '/api/v1/lineage/model-versions', {
      modelId: 'churn-early',
      version: 1,
      featureVersionIds: [ltv],
    });
    expect(declared.status).toBe(200);
    const nodes = await versionNodes();
    expect(nodes.map((n) => n.id)).toEqual([declared.body.nodeId]);
    expect(nodes[0]!.label).toBe('churn-early v1');
    const completeness = await api.call<{ linked: Record<string, boolean>; modelVersion: string }>(
      'GET',
      '/api/v1/lineage/model-versions/churn-early/1/completeness',
    );
    expect(completeness.body).toMatchObject({ modelVersion: declared.body.nodeId, linked: { features: true } });
    const dependents = await api.call<{ dependents: { id: string }[] }>(
      'GET',
      '/api/v1/lineage/features/ltv-early/dependents',
    );
    expect(dependents.body.dependents.map((d) => d.id)).toEqual([declared.body.nodeId]);
  });

  it('records lineage declared after registration on the registered version node', async () => {
    await register('churn-late');
    const before = (await versionNodes()).filter((n) => n.label.startsWith('churn-late'));
    expect(before).toHaveLength(1);
    const declared = await api.call<{ nodeId: string }>('POST', '/api/v1/lineage/model-versions', {
      modelId: 'churn-late',
      version: 1,
      featureVersionIds: [await feature('ltv-late')],
    });
    expect(declared.status).toBe(200);
    expect(declared.body.nodeId).toBe(before[0]!.id);
    expect((await versionNodes()).filter((n) => n.label.startsWith('churn-late'))).toHaveLength(1);
  });
});
