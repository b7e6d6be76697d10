import { describe, expect, it } from 'vitest';
import { backends } from '../support/backends.js';
import { useTestServer } from '../support/test-server.js';
import { ADMIN_TOKEN, callAs, ok, userWithToken } from './access-fixture.js';

/** The authenticated caller is who the server records: as a run's user, as the actor of events, as the owner. */
describe.each(backends)('who is recorded on $name', (backend) => {
  const api = useTestServer(backend, {
    server: { auth: { enabled: true, adminToken: ADMIN_TOKEN, defaultRole: null } },
  });

  it('makes the creator of an experiment its manager and the user of its runs, whatever the client claims', async () => {
    const rita = await userWithToken(api.url, 'rita');
    const otto = await userWithToken(api.url, 'otto');
    const { experiment_id } = await ok(
      callAs(api.url, rita, 'POST', '/api/2.0/mlflow/experiments/create', { name: 'ritas' }),
    );
    const created = await ok(
      callAs<{ run: { info: { run_id: string; user_id: string }; data: { tags: { key: string; value: string }[] } } }>(
        api.url,
        rita,
        'POST',
        '/api/2.0/mlflow/runs/create',
        { experiment_id, user_id: 'mallory', tags: [{ key: 'mlflow.user', value: 'mallory' }] },
      ),
    );
    expect(created.run.info.user_id).toBe('rita');
    expect(created.run.data.tags.find((t) => t.key === 'mlflow.user')?.value).toBe('rita');

    const grants = await ok(
      callAs<{ permissions: { role: string; subject: { name: string } }[] }>(
        api.url,
        rita,
        'GET',
        `/api/v1/permissions?experiment=${experiment_id}`,
      ),
    );
    expect(grants.permissions).toEqual([
      expect.objectContaining({ role: 'manager', subject: { kind: 'user', name: 'rita' } }),
    ]);
    // With no default role, nobody else sees it until its manager says so.
    expect(
      (await callAs(api.url, otto, 'GET', `/api/2.0/mlflow/experiments/get?experiment_id=${experiment_id}`)).status,
    ).toBe(403);
    await ok(
      callAs(api.url, rita, 'POST', '/api/v1/permissions', { role: 'reader', user: 'otto', experiment: experiment_id }),
    );
    expect(
      (await callAs(api.url, otto, 'GET', `/api/2.0/mlflow/experiments/get?experiment_id=${experiment_id}`)).status,
    ).toBe(200);
    // A reader cannot hand out roles.
    expect(
      (
        await callAs(api.url, otto, 'POST', '/api/v1/permissions', {
          role: 'manager',
          user: 'otto',
          experiment: experiment_id,
        })
      ).status,
    ).toBe(403);

    const { events } = await ok(
      callAs<{ events: { actor: string; action: string }[] }>(
        api.url,
        ADMIN_TOKEN,
        'GET',
        `/api/v1/audit/events?entityKind=run&entityId=${created.run.info.run_id}`,
      ),
    );
    expect(events.map((e) => [e.action, e.actor])).toEqual([['run.create', 'rita']]);
  });

  it('lets a user see who it is, and refuses the session route to nobody', async () => {
    const rita = await userWithToken(api.url, 'rita2');
    const session = await ok(
      callAs<{ user: { name: string }; authEnabled: boolean }>(api.url, rita, 'GET', '/api/v1/auth/session'),
    );
    expect(session).toMatchObject({ authEnabled: true, user: { name: 'rita2' } });
    const anonymous = await ok(callAs<{ user: unknown }>(api.url, undefined, 'GET', '/api/v1/auth/session'));
    expect(anonymous.user).toBeNull();
  });
});
