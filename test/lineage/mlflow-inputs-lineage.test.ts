import { describe, expect, it } from 'vitest';
import { mlflowCalls, newRun } from '../mlflow/support/mlflow-calls.js';
import { backends } from '../support/backends.js';
import { useTestServer } from '../support/test-server.js';

interface DatasetVersionReply {
  datasetVersion: { versionId: string; nodeId: string };
}
interface WalkReply {
  nodes: { id: string; kind: string; depth: number }[];
  edges: { from: string; to: string; type: string }[];
}

/**
 * A dataset the MLflow client logs as a run input joins the lineage graph: by its digest, when a version with that
 * content was registered, and otherwise as a version of a dataset in the `mlflow` namespace.
 */
describe.each(backends)('lineage of MLflow run inputs on $name', (backend) => {
  const api = useTestServer(backend);
  const mlflow = mlflowCalls(api);

  const register = async (namespace: string, name: string, digest: string) => {
    const { status, body } = await api.call<DatasetVersionReply>('POST', '/api/v1/lineage/dataset-versions', {
      namespace,
      name,
      version: 'v1',
      uri: `s3://lake/${namespace}/${name}`,
      digest,
    });
    expect(status).toBe(201);
    return body.datasetVersion;
  };

  const consumedBy = async (runId: string) => {
    const { status, body } = await api.call<WalkReply>(
      'GET',
      `/api/v1/lineage/upstream?nodeId=${encodeURIComponent(`run:${runId}`)}&depth=1`,
    );
    expect(status).toBe(200);
    return body.edges.filter((e) => e.to === `run:${runId}` && e.type === 'consumed').map((e) => e.from);
  };

  it('links an input to the first registered version with its digest', async () => {
    const digest = '5d41402abc4b2a76b9719d911017c592';
    const original = await register('warehouse', 'iris', digest);
    // A later copy of the same content elsewhere (a later millisecond, so "first" is well defined); the input
    // still names the version first registered.
    await new Promise((resolve) => setTimeout(resolve, 5));
    await register('scratch', 'iris-copy', digest);
    const { runId } = await newRun(api, 'inputs/registered');
    const logged = await mlflow.post('runs/log-inputs', {
      run_id: runId,
      datasets: [{ dataset: { name: 'iris', digest, source_type: 's3', source: '{"uri": "s3://lake/iris"}' } }],
    });
    expect(logged.status).toBe(200);
    expect(await consumedBy(runId)).toEqual([original.nodeId]);
  });

  it('registers an input with an unknown digest in the mlflow namespace, once for every run that logs it', async () => {
    const dataset = { name: 'mnist', digest: 'f00dfeed', source_type: 'local', source: '{"path": "/data/mnist"}' };
    const first = await newRun(api, 'inputs/unknown-a');
    const second = await newRun(api, 'inputs/unknown-b');
    for (const { runId } of [first, second]) {
      expect((await mlflow.post('runs/log-inputs', { run_id: runId, datasets: [{ dataset }] })).status).toBe(200);
    }
    const [fromFirst] = await consumedBy(first.runId);
    expect(await consumedBy(second.runId)).toEqual([fromFirst]);
    const { status, body } = await api.call<{ node: { kind: string; label: string } }>(
      'GET',
      `/api/v1/lineage/nodes?nodeId=${encodeURIComponent(fromFirst!)}`,
    );
    expect(status).toBe(200);
    expect(body.node.kind).toBe('dataset_version');
    expect(body.node.label).toContain('mnist');
  });
});
