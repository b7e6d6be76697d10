import { beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../support/backends.js';
import { useTestServer } from '../support/test-server.js';
import { ADMIN_TOKEN, callAs, grant, ok, userWithToken } from './access-fixture.js';

interface Walk {
  nodes: { id: string }[];
  edges: { from: string; to: string }[];
}

/**
 * A dataset marked restricted (customer records, say) is seen only through roles bound to it: its versions are absent
 * from every lineage answer of anyone else, refused when asked for by id or by name, and closed to writers whose only
 * role is a global one.
 */
describe.each(backends)('restricted datasets on $name', (backend) => {
  const api = useTestServer(backend, { server: { auth: { enabled: true, adminToken: ADMIN_TOKEN } } });
  const tokens = { rita: '', gail: '' };
  const versions = { customers: '', orders: '' };
  let runNode = '';
  const v1 = (token: string, method: string, path: string, body?: unknown) =>
    callAs<Record<string, unknown>>(api.url, token, method, `/api/v1${path}`, body);
  const registerVersion = (token: string, name: string, version: string) =>
    v1(token, 'POST', '/lineage/dataset-versions', { namespace: 'warehouse', name, version });

  beforeAll(async () => {
    tokens.rita = await userWithToken(api.url, 'rita');
    tokens.gail = await userWithToken(api.url, 'gail');
    await grant(api.url, { role: 'editor', user: 'gail', global: true });
    for (const name of ['customers', 'orders'] as const) {
      const registered = await ok(registerVersion(ADMIN_TOKEN, name, 'v1'));
      versions[name] = (registered.datasetVersion as { versionId: string }).versionId;
    }
    const experiment = await ok(
      callAs<{ experiment_id: string }>(api.url, ADMIN_TOKEN, 'POST', '/api/2.0/mlflow/experiments/create', {
        name: 'churn',
      }),
    );
    const run = await ok(
      callAs<{ run: { info: { run_id: string } } }>(api.url, ADMIN_TOKEN, 'POST', '/api/2.0/mlflow/runs/create', {
        experiment_id: experiment.experiment_id,
      }),
    );
    runNode = `run:${run.run.info.run_id}`;
    for (const name of ['customers', 'orders'] as const) {
      await ok(
        v1(ADMIN_TOKEN, 'POST', '/lineage/edges', {
          from: `dataset_version:${versions[name]}`,
          to: runNode,
          type: 'consumed',
        }),
      );
    }
    await ok(v1(ADMIN_TOKEN, 'PUT', '/restrictions', { dataset: 'warehouse:customers', restricted: true }));
  });

  const upstreamOfRun = async (token: string) => {
    const walk = await ok(
      callAs<Walk>(api.url, token, 'GET', `/api/v1/lineage/upstream?nodeId=${encodeURIComponent(runNode)}`),
    );
    return walk.nodes.map((n) => n.id).sort();
  };
  const datasetVersionNodes = async (token: string) => {
    const found = await ok(
      callAs<{ nodes: { id: string }[] }>(api.url, token, 'GET', '/api/v1/lineage/nodes/search?kind=dataset_version'),
    );
    return found.nodes.map((n) => n.id).sort();
  };

  it('lists the restriction by the dataset name, to administrators', async () => {
    const listed = await ok(v1(ADMIN_TOKEN, 'GET', '/restrictions'));
    expect(listed.restrictions).toEqual([{ kind: 'dataset', id: 'warehouse:customers' }]);
  });

  it('leaves the restricted dataset out of the lineage answers of a reader without a grant', async () => {
    const customers = `dataset_version:${versions.customers}`;
    const orders = `dataset_version:${versions.orders}`;
    expect(await upstreamOfRun(ADMIN_TOKEN)).toEqual([customers, orders].sort());
    expect(await upstreamOfRun(tokens.rita)).toEqual([orders]);
    expect(await datasetVersionNodes(tokens.rita)).toEqual([orders]);
    expect(await datasetVersionNodes(ADMIN_TOKEN)).toEqual([customers, orders].sort());
  });

  it('refuses the restricted dataset asked for by version id, by node id, or by name', async () => {
    const refused = [
      `/lineage/dataset-versions/${versions.customers}`,
      `/lineage/dataset-versions/${versions.customers}/models`,
      '/lineage/dataset-versions?dataset=warehouse:customers',
      '/lineage/dataset-versions?namespace=warehouse&name=customers',
      `/lineage/nodes?nodeId=${encodeURIComponent(`dataset_version:${versions.customers}`)}`,
      `/lineage/nodes?nodeId=${encodeURIComponent('dataset:warehouse:customers')}`,
    ];
    for (const path of refused) {
      const reply = await v1(tokens.rita, 'GET', path);
      expect(reply.status, path).toBe(403);
      expect(reply.body.error_code, path).toBe('PERMISSION_DENIED');
    }
    expect((await v1(tokens.rita, 'GET', `/lineage/dataset-versions/${versions.orders}`)).status).toBe(200);
    expect((await v1(tokens.rita, 'GET', '/lineage/dataset-versions?dataset=warehouse:orders')).status).toBe(200);
  });

  it('closes the restricted dataset to a writer whose role is global, and stores nothing it sent', async () => {
    expect((await registerVersion(tokens.gail, 'orders', 'v2')).status).toBe(201);
    const refused = await registerVersion(tokens.gail, 'customers', 'v2');
    expect(refused.status).toBe(403);
    expect(refused.body.message).toContain("dataset 'warehouse:customers'");
    const stored = await ok(v1(ADMIN_TOKEN, 'GET', '/lineage/dataset-versions?dataset=warehouse:customers'));
    expect((stored.datasetVersions as { version: string }[]).map((v) => v.version)).toEqual(['v1']);
    // Nor may the global editor lift the restriction: only a role bound to the dataset, or an administrator, may.
    const lift = await v1(tokens.gail, 'PUT', '/restrictions', { dataset: 'warehouse:customers', restricted: false });
    expect(lift.status).toBe(403);
  });

  it('shows the dataset once a role is bound to it, and names it so in the list of grants', async () => {
    await grant(api.url, { role: 'reader', user: 'rita', dataset: 'warehouse:customers' });
    expect(await upstreamOfRun(tokens.rita)).toContain(`dataset_version:${versions.customers}`);
    expect((await v1(tokens.rita, 'GET', `/lineage/dataset-versions/${versions.customers}`)).status).toBe(200);
    // A reader's role does not let her write.
    expect((await registerVersion(tokens.rita, 'customers', 'v3')).status).toBe(403);
    const grants = await ok(v1(ADMIN_TOKEN, 'GET', '/permissions?dataset=warehouse:customers'));
    // Besides hers, the grant its creator (the administrator who registered it) was given, as every creator is.
    const dataset = { kind: 'dataset', id: 'warehouse:customers' };
    const permissions = grants.permissions as unknown[];
    expect(permissions).toHaveLength(2);
    expect(permissions).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ role: 'reader', subject: { kind: 'user', name: 'rita' }, resource: dataset }),
        expect.objectContaining({ role: 'manager', subject: { kind: 'user', name: 'admin' }, resource: dataset }),
      ]),
    );
  });

  it('answers 404 for a dataset nobody registered, and 400 when no or two resources are named', async () => {
    const unknown = await v1(ADMIN_TOKEN, 'PUT', '/restrictions', { dataset: 'warehouse:nothing', restricted: true });
    expect(unknown.status).toBe(404);
    const two = await v1(ADMIN_TOKEN, 'PUT', '/restrictions', {
      dataset: 'warehouse:orders',
      model: 'x',
      restricted: true,
    });
    expect(two.status).toBe(400);
    expect((await ok(v1(ADMIN_TOKEN, 'GET', '/restrictions'))).restrictions).toHaveLength(1);
  });
});
