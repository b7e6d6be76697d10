import { beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../support/backends.js';
import { useTestServer } from '../support/test-server.js';
import { ADMIN_TOKEN, callAs, grant, ok, userWithToken } from './access-fixture.js';

/**
 * What a caller may not read is absent from every list, search and lineage answer, not merely refused when asked
 * for: an experiment and a registered model marked restricted are seen only through roles bound to them.
 */
describe.each(backends)('hidden items on $name', (backend) => {
  const api = useTestServer(backend, { server: { auth: { enabled: true, adminToken: ADMIN_TOKEN } } });
  let rita = '';
  const ids = { open: '', secret: '', openRun: '', secretRun: '', dataset: '' };
  const mlflow = (token: string, method: string, path: string, body?: unknown) =>
    callAs(api.url, token, method, `/api/2.0/mlflow${path}`, body);

  beforeAll(async () => {
    rita = await userWithToken(api.url, 'rita');
    for (const name of ['open', 'secret'] as const) {
      const { experiment_id } = await ok(mlflow(ADMIN_TOKEN, 'POST', '/experiments/create', { name }));
      ids[name] = experiment_id as string;
      const { run } = await ok(
        mlflow(ADMIN_TOKEN, 'POST', '/runs/create', { experiment_id }) as Promise<{
          status: number;
          body: { run: { info: { run_id: string } } };
          headers: Headers;
        }>,
      );
      ids[name === 'open' ? 'openRun' : 'secretRun'] = run.info.run_id;
      await ok(
        mlflow(ADMIN_TOKEN, 'POST', '/runs/log-inputs', {
          run_id: run.info.run_id,
          datasets: [
            { dataset: { name: 'orders', digest: 'abc123', source_type: 's3', source: '{"uri": "s3://lake/o"}' } },
          ],
        }),
      );
      await ok(mlflow(ADMIN_TOKEN, 'POST', '/registered-models/create', { name: `${name}-model` }));
      await ok(
        mlflow(ADMIN_TOKEN, 'POST', '/model-versions/create', {
          name: `${name}-model`,
          source: `mlflow-artifacts:/${experiment_id}/${run.info.run_id}/artifacts/model`,
          run_id: run.info.run_id,
        }),
      );
    }
    await ok(callAs(api.url, ADMIN_TOKEN, 'PUT', '/api/v1/restrictions', { experiment: ids.secret, restricted: true }));
    await ok(callAs(api.url, ADMIN_TOKEN, 'PUT', '/api/v1/restrictions', { model: 'secret-model', restricted: true }));
    const nodes = await ok(
      callAs<{ nodes: { id: string; kind: string }[] }>(
        api.url,
        ADMIN_TOKEN,
        'GET',
        '/api/v1/lineage/nodes/search?kind=dataset_version',
      ),
    );
    ids.dataset = nodes.nodes[0]!.id;
  });

  const experimentNames = async (token: string) => {
    const mlflowNames = (
      (await ok(mlflow(token, 'POST', '/experiments/search', { max_results: 100 }))).experiments as {
        name: string;
      }[]
    ).map((e) => e.name);
    const native = await ok(callAs<{ experiments: { name: string }[] }>(api.url, token, 'GET', '/api/v1/experiments'));
    expect(native.experiments.map((e) => e.name).sort()).toEqual([...mlflowNames].sort());
    return mlflowNames.sort();
  };
  const modelNames = async (token: string) =>
    (((await ok(mlflow(token, 'GET', '/registered-models/search'))).registered_models ?? []) as { name: string }[])
      .map((m) => m.name)
      .sort();
  const versionModels = async (token: string) =>
    (((await ok(mlflow(token, 'GET', '/model-versions/search'))).model_versions ?? []) as { name: string }[])
      .map((v) => v.name)
      .sort();
  const downstreamOfDataset = async (token: string) => {
    const walk = await ok(
      callAs<{ nodes: { id: string }[]; edges: { from: string; to: string }[] }>(
        api.url,
        token,
        'GET',
        `/api/v1/lineage/downstream?nodeId=${encodeURIComponent(ids.dataset)}`,
      ),
    );
    return { nodes: walk.nodes.map((n) => n.id), edges: walk.edges.map((e) => e.to) };
  };

  it('lists what is restricted to administrators: experiments by id, registered models by name', async () => {
    const listed = await ok(
      callAs<{ restrictions: { kind: string; id: string }[] }>(api.url, ADMIN_TOKEN, 'GET', '/api/v1/restrictions'),
    );
    expect(listed.restrictions).toEqual(
      expect.arrayContaining([
        { kind: 'experiment', id: ids.secret },
        { kind: 'model', id: 'secret-model' },
      ]),
    );
    expect(listed.restrictions).toHaveLength(2);
    expect((await callAs(api.url, rita, 'GET', '/api/v1/restrictions')).status).toBe(403);
  });

  it('shows the administrator everything', async () => {
    expect(await experimentNames(ADMIN_TOKEN)).toEqual(['Default', 'open', 'secret']);
    expect(await modelNames(ADMIN_TOKEN)).toEqual(['open-model', 'secret-model']);
    expect((await downstreamOfDataset(ADMIN_TOKEN)).nodes).toContain(`run:${ids.secretRun}`);
  });

  it('leaves restricted experiments, models, versions and runs out of what a reader without a grant sees', async () => {
    expect(await experimentNames(rita)).toEqual(['Default', 'open']);
    expect(await modelNames(rita)).toEqual(['open-model']);
    expect(await versionModels(rita)).toEqual(['open-model']);
    const downstream = await downstreamOfDataset(rita);
    expect(downstream.nodes).toContain(`run:${ids.openRun}`);
    expect(downstream.nodes).not.toContain(`run:${ids.secretRun}`);
    expect(downstream.edges).not.toContain(`run:${ids.secretRun}`);
    // Asked for directly, the hidden things are refused.
    expect((await mlflow(rita, 'GET', `/experiments/get?experiment_id=${ids.secret}`)).status).toBe(403);
    expect((await mlflow(rita, 'POST', '/runs/search', { experiment_ids: [ids.open, ids.secret] })).status).toBe(403);
    expect((await mlflow(rita, 'GET', '/registered-models/get?name=secret-model')).status).toBe(403);
    const node = await callAs(api.url, rita, 'GET', `/api/v1/lineage/nodes?nodeId=run:${ids.secretRun}`);
    expect(node.status).toBe(403);
  });

  it('shows them once a role is bound to them', async () => {
    await grant(api.url, { role: 'reader', user: 'rita', experiment: ids.secret });
    await grant(api.url, { role: 'reader', user: 'rita', model: 'secret-model' });
    expect(await experimentNames(rita)).toEqual(['Default', 'open', 'secret']);
    expect(await modelNames(rita)).toEqual(['open-model', 'secret-model']);
    expect((await downstreamOfDataset(rita)).nodes).toContain(`run:${ids.secretRun}`);
    expect((await mlflow(rita, 'POST', '/runs/search', { experiment_ids: [ids.secret] })).status).toBe(200);
  });
});
