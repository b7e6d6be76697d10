import { beforeAll, describe, expect, it } from 'vitest';
import { auditVerify } from '../../src/cli/audit-command.js';
import type { VerificationReport } from '../../src/domain/provenance/verification-report.js';
import type { Owners, UserSuggestion } from '../../src/sdk/wire/collaboration-shapes.js';
import type { Experiment } from '../../src/sdk/wire/shapes.js';
import { ADMIN_TOKEN, callAs, grant, ok, userWithToken } from '../access/access-fixture.js';
import { backends } from '../support/backends.js';
import { useTestServer } from '../support/test-server.js';

interface ErrorJson {
  error_code: string;
  message: string;
}

/**
 * Owners of experiments and datasets, and the user names a mention box suggests, over HTTP with access control on
 * and no default role: ana edits `churn` and the `lake:orders` dataset, bo reads `churn`, carl reads nothing.
 * `secret` is an experiment only the administrator reads; `lake:payroll` a restricted dataset.
 */
describe.each(backends)('owners and user suggestions on $name', (backend) => {
  const api = useTestServer(backend, {
    server: { auth: { enabled: true, adminToken: ADMIN_TOKEN, defaultRole: null } },
  });
  const t = { ana: '', bo: '', carl: '' };
  const ids = { churn: '', secret: '' };
  const call = <T = Record<string, unknown>>(token: string | undefined, method: string, path: string, body?: unknown) =>
    callAs<T>(api.url, token, method, path, body);
  const v1 = <T = Record<string, unknown>>(token: string | undefined, method: string, path: string, body?: unknown) =>
    call<T>(token, method, `/api/v1${path}`, body);
  const ownersOf = async (token: string, experimentId: string) =>
    (await v1<{ owners: Owners }>(token, 'GET', `/experiments/${experimentId}/owners`)).body.owners;
  const listedByOwner = async (token: string, query: string) => {
    const reply = await v1<{ experiments: Experiment[] }>(token, 'GET', `/experiments?${query}`);
    expect(reply.status).toBe(200);
    return reply.body.experiments.map((e) => e.name).sort();
  };

  beforeAll(async () => {
    await ok(v1(ADMIN_TOKEN, 'POST', '/teams', { name: 'vision' }));
    for (const name of ['ana', 'bo', 'carl'] as const) t[name] = await userWithToken(api.url, name);
    await ok(v1(ADMIN_TOKEN, 'POST', '/users', { name: 'bot', kind: 'service' }));
    await ok(v1(ADMIN_TOKEN, 'POST', '/users', { name: 'bea' }));
    await ok(v1(ADMIN_TOKEN, 'POST', '/users/bea/deactivate'));
    for (const name of ['churn', 'secret']) {
      const { experiment_id } = await ok(call(ADMIN_TOKEN, 'POST', '/api/2.0/mlflow/experiments/create', { name }));
      ids[name as 'churn' | 'secret'] = experiment_id as string;
    }
    for (const name of ['orders', 'payroll']) {
      await ok(v1(ADMIN_TOKEN, 'POST', '/lineage/datasets', { namespace: 'lake', name }));
    }
    await ok(v1(ADMIN_TOKEN, 'PUT', '/restrictions', { dataset: 'lake:payroll', restricted: true }));
    await grant(api.url, { role: 'editor', user: 'ana', experiment: ids.churn });
    await grant(api.url, { role: 'reader', user: 'bo', experiment: ids.churn });
    await grant(api.url, { role: 'editor', user: 'ana', dataset: 'lake:orders' });
  });

  it("sets an experiment's owners, reads them back on the experiment and its list, and clears one at a time", async () => {
    const set = await v1<{ owners: Owners }>(t.ana, 'PUT', `/experiments/${ids.churn}/owners`, {
      user: 'bo',
      team: 'vision',
    });
    expect(set.status).toBe(200);
    expect(set.body.owners).toEqual({ user: 'bo', team: 'vision' });
    const experiment = await v1<{ experiment: Experiment }>(t.bo, 'GET', `/experiments/${ids.churn}`);
    expect(experiment.body.experiment.owners).toEqual({ user: 'bo', team: 'vision' });
    const listed = await v1<{ experiments: Experiment[] }>(t.bo, 'GET', '/experiments');
    expect(listed.body.experiments.map((e) => [e.name, e.owners])).toEqual([['churn', { user: 'bo', team: 'vision' }]]);

    // An absent field keeps its owner; null clears it.
    await ok(v1(t.ana, 'PUT', `/experiments/${ids.churn}/owners`, { user: 'ana' }));
    expect(await ownersOf(t.bo, ids.churn)).toEqual({ user: 'ana', team: 'vision' });
    await ok(v1(t.ana, 'PUT', `/experiments/${ids.churn}/owners`, { team: null }));
    expect(await ownersOf(t.bo, ids.churn)).toEqual({ user: 'ana', team: null });
    expect(await ownersOf(ADMIN_TOKEN, ids.secret)).toEqual({ user: null, team: null });

    const audit = await v1<{ events: { action: string; entityId: string }[] }>(
      ADMIN_TOKEN,
      'GET',
      '/audit/events?entityKind=owner',
    );
    expect(audit.body.events.filter((e) => e.entityId === `experiment:${ids.churn}`)).toHaveLength(3);
    expect(audit.body.events.map((e) => e.action)).toContain('owner.set');
  });

  it('lets editors set owners, readers only see them, and others neither', async () => {
    const path = `/experiments/${ids.churn}/owners`;
    expect((await v1(t.bo, 'PUT', path, { user: 'bo' })).status).toBe(403);
    expect((await v1(t.carl, 'GET', path)).status).toBe(403);
    expect((await v1(t.carl, 'PUT', path, { user: 'carl' })).status).toBe(403);
    expect((await v1(undefined, 'GET', path)).status).toBe(401);
    const readOnly = await userWithToken(api.url, 'rita', { scope: 'read' });
    await grant(api.url, { role: 'editor', user: 'rita', experiment: ids.churn });
    expect((await v1(readOnly, 'PUT', path, { user: 'rita' })).status).toBe(403);
    expect(await ownersOf(t.bo, ids.churn)).toEqual({ user: 'ana', team: null });
  });

  it('refuses bad owner changes with a 4xx error and changes nothing', async () => {
    const path = `/experiments/${ids.churn}/owners`;
    const before = await ownersOf(t.ana, ids.churn);
    for (const body of [
      {},
      { user: 'ghost' },
      { user: 'bea' },
      { user: 'bot' },
      { team: 'nobody' },
      { user: '' },
      { user: '   ' },
      { user: 'x'.repeat(65) },
      { user: 5 },
      { user: 'bo', extra: 1 },
      { user: 'bo', team: 'nobody' },
    ]) {
      const reply = await v1<ErrorJson>(t.ana, 'PUT', path, body);
      expect(reply.status, JSON.stringify(body).slice(0, 60)).toBe(400);
      expect(reply.body.error_code).toBe('INVALID_PARAMETER_VALUE');
      expect(typeof reply.body.message).toBe('string');
    }
    expect(await ownersOf(t.ana, ids.churn)).toEqual(before);
    const missing = await v1<ErrorJson>(ADMIN_TOKEN, 'PUT', '/experiments/404404/owners', { user: 'bo' });
    expect(missing.status).toBe(404);
    expect(missing.body.error_code).toBe('RESOURCE_DOES_NOT_EXIST');
    expect((await v1(ADMIN_TOKEN, 'GET', '/experiments/404404/owners')).status).toBe(404);
  });

  it('filters the experiment list by owner without showing what the caller may not read', async () => {
    await ok(v1(ADMIN_TOKEN, 'PUT', `/experiments/${ids.churn}/owners`, { user: 'bo', team: 'vision' }));
    await ok(v1(ADMIN_TOKEN, 'PUT', `/experiments/${ids.secret}/owners`, { user: 'bo' }));
    expect(await listedByOwner(ADMIN_TOKEN, 'ownerUser=bo')).toEqual(['churn', 'secret']);
    expect(await listedByOwner(ADMIN_TOKEN, 'ownerTeam=vision')).toEqual(['churn']);
    expect(await listedByOwner(ADMIN_TOKEN, 'ownerUser=bo&ownerTeam=vision')).toEqual(['churn']);
    expect(await listedByOwner(ADMIN_TOKEN, 'ownerUser=ana')).toEqual([]);
    expect(await listedByOwner(ADMIN_TOKEN, 'ownerUser=ghost')).toEqual([]);
    // bo owns `secret` but may not read it: the filter does not bring it into his list.
    expect(await listedByOwner(t.bo, 'ownerUser=bo')).toEqual(['churn']);
    expect(await listedByOwner(t.carl, 'ownerUser=bo')).toEqual([]);
    const searched = await v1<{ experiments: Experiment[] }>(t.bo, 'POST', '/experiments/search', {
      ownerUser: 'bo',
      filter: "name LIKE '%'",
    });
    expect(searched.body.experiments.map((e) => e.name)).toEqual(['churn']);
    expect((await v1(t.bo, 'POST', '/experiments/search', { ownerTeam: 5 })).status).toBe(400);
    expect((await v1<ErrorJson>(t.bo, 'GET', '/experiments?ownerUser=')).status).toBe(400);
    expect((await v1<ErrorJson>(t.bo, 'GET', `/experiments?ownerTeam=${'x'.repeat(65)}`)).status).toBe(400);
  });

  it("sets a dataset's owners by those who may edit it, shows them to readers and hides a restricted one's", async () => {
    const path = '/lineage/dataset-owners?dataset=lake:orders';
    const set = await v1<{ owners: Owners }>(t.ana, 'PUT', path, { team: 'vision' });
    expect(set.status).toBe(200);
    expect(set.body.owners).toEqual({ user: null, team: 'vision' });
    // Any signed-in principal reads an unrestricted dataset, but editing it takes a role on it.
    expect((await v1<{ owners: Owners }>(t.carl, 'GET', path)).body.owners).toEqual({ user: null, team: 'vision' });
    expect((await v1(t.carl, 'PUT', path, { user: 'carl' })).status).toBe(403);
    expect((await v1<ErrorJson>(t.ana, 'PUT', path, { user: 'ghost' })).status).toBe(400);

    const payroll = '/lineage/dataset-owners?dataset=lake:payroll';
    await ok(v1(ADMIN_TOKEN, 'PUT', payroll, { user: 'carl' }));
    expect((await v1(t.carl, 'GET', payroll)).status).toBe(403);
    expect((await v1<{ owners: Owners }>(ADMIN_TOKEN, 'GET', payroll)).body.owners).toEqual({
      user: 'carl',
      team: null,
    });
    expect((await v1(t.ana, 'GET', '/lineage/dataset-owners?dataset=lake:nothing')).status).toBe(404);
    expect((await v1(t.ana, 'GET', '/lineage/dataset-owners')).status).toBe(400);

    const role = async (token: string, dataset: string) =>
      (await v1<{ role: string | null }>(token, 'GET', `/auth/permissions?dataset=${dataset}`)).body.role;
    expect(await role(t.ana, 'lake:orders')).toBe('editor');
    expect(await role(t.carl, 'lake:orders')).toBe('reader');
    expect(await role(t.carl, 'lake:payroll')).toBeNull();
    expect(await role(t.carl, 'lake:nothing')).toBeNull();
    expect((await v1(t.carl, 'GET', `/auth/permissions?dataset=lake:orders&experiment=${ids.churn}`)).status).toBe(400);

    await ok(v1(t.ana, 'PUT', path, { team: null }));
    expect((await v1<{ owners: Owners }>(t.carl, 'GET', path)).body.owners).toEqual({ user: null, team: null });
  });

  it('suggests active users by the start of their name, any case, a bounded few', async () => {
    const suggest = async (prefix: string) => {
      const reply = await v1<{ users: UserSuggestion[] }>(t.carl, 'GET', `/users/suggestions?prefix=${prefix}`);
      expect(reply.status).toBe(200);
      return reply.body.users.map((u) => u.name);
    };
    // bea is deactivated and bot a service account: neither is suggested.
    expect(await suggest('b')).toEqual(['bo']);
    expect(await suggest('B')).toEqual(['bo']);
    expect(await suggest('an')).toEqual(['ana']);
    expect(await suggest('zz')).toEqual([]);
    for (let i = 0; i < 12; i++)
      await ok(v1(ADMIN_TOKEN, 'POST', '/users', { name: `many${String(i).padStart(2, '0')}` }));
    const many = await suggest('many');
    expect(many).toHaveLength(10);
    expect(many).toEqual([...many].sort());
    expect((await v1<ErrorJson>(t.carl, 'GET', '/users/suggestions')).status).toBe(400);
    expect((await v1<ErrorJson>(t.carl, 'GET', '/users/suggestions?prefix=')).status).toBe(400);
    expect((await v1(undefined, 'GET', '/users/suggestions?prefix=b')).status).toBe(401);
  });

  it('leaves a log that verifies, and shows owners changed behind the server', async () => {
    const verify = async () => {
      const result = await auditVerify({ backendStoreUri: api.backendUri, json: true });
      return { code: result.code, report: JSON.parse(result.stdout) as VerificationReport };
    };
    const clean = await verify();
    expect(clean.report.problems).toEqual([]);
    const db = api.server.store.db;
    const key = `experiment:${ids.churn}`;
    const row = await db.selectFrom('owners').selectAll().where('owner_key', '=', key).executeTakeFirstOrThrow();
    await db.updateTable('owners').set({ owner_user_id: null }).where('owner_key', '=', key).execute();
    try {
      const tampered = await verify();
      expect(tampered.code).toBe(1);
      expect(tampered.report.problems.map((p) => p.message).join('\n')).toContain(`owners of experiment ${ids.churn}`);
    } finally {
      await db.updateTable('owners').set({ owner_user_id: row.owner_user_id }).where('owner_key', '=', key).execute();
    }
    expect((await verify()).report.problems).toEqual([]);
  });
});
