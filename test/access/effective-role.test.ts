import { beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../support/backends.js';
import { useTestServer } from '../support/test-server.js';
import { ADMIN_TOKEN, callAs, grant, ok, tokenFor, userWithToken } from './access-fixture.js';

/** GET /api/v1/auth/permissions: the caller's own role, as the web UI asks it before offering an action. */
describe.each(backends)('the caller’s effective role on $name', (backend) => {
  const api = useTestServer(backend, { server: { auth: { enabled: true, adminToken: ADMIN_TOKEN } } });
  let rita = '';
  const ids = { open: '', secret: '', granted: '' };
  const roleOf = async (token: string, query: string) =>
    callAs<{ role: string | null }>(api.url, token, 'GET', `/api/v1/auth/permissions?${query}`);

  beforeAll(async () => {
    rita = await userWithToken(api.url, 'rita');
    for (const name of ['open', 'secret', 'granted'] as const) {
      const created = await ok(
        callAs<{ experiment: { experimentId: string } }>(api.url, ADMIN_TOKEN, 'POST', '/api/v1/experiments', {
          name,
        }),
      );
      ids[name] = created.experiment.experimentId;
    }
    for (const id of [ids.secret, ids.granted]) {
      await ok(callAs(api.url, ADMIN_TOKEN, 'PUT', '/api/v1/restrictions', { experiment: id, restricted: true }));
    }
    await grant(api.url, { role: 'manager', user: 'rita', experiment: ids.granted });
    await ok(callAs(api.url, ADMIN_TOKEN, 'POST', '/api/v1/registered-models', { name: 'clf' }));
    await ok(callAs(api.url, ADMIN_TOKEN, 'PUT', '/api/v1/restrictions', { model: 'clf', restricted: true }));
  });

  it('is the default role on what nobody restricted, and only a bound role on what is restricted', async () => {
    expect((await roleOf(rita, `experiment=${ids.open}`)).body).toEqual({ role: 'reader' });
    expect((await roleOf(rita, `experiment=${ids.secret}`)).body).toEqual({ role: null });
    expect((await roleOf(rita, `experiment=${ids.granted}`)).body).toEqual({ role: 'manager' });
    expect((await roleOf(rita, 'model=clf')).body).toEqual({ role: null });
    await grant(api.url, { role: 'editor', user: 'rita', model: 'clf' });
    expect((await roleOf(rita, 'model=clf')).body).toEqual({ role: 'editor' });
    expect((await roleOf(rita, 'model=no-such-model')).body).toEqual({ role: null });
  });

  it('is no more than a read-only token allows, and manager for an administrator', async () => {
    const readOnly = await tokenFor(api.url, 'rita', 'read');
    expect((await roleOf(readOnly, `experiment=${ids.granted}`)).body).toEqual({ role: 'reader' });
    expect((await roleOf(ADMIN_TOKEN, `experiment=${ids.secret}`)).body).toEqual({ role: 'manager' });
  });

  it('asks for exactly one resource, and for credentials', async () => {
    const neither = await roleOf(rita, '');
    expect(neither.status).toBe(400);
    expect(neither.body).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE' });
    expect((await roleOf(rita, `experiment=${ids.open}&model=clf`)).status).toBe(400);
    const anonymous = await callAs(api.url, undefined, 'GET', `/api/v1/auth/permissions?experiment=${ids.open}`);
    expect(anonymous.status).toBe(401);
  });
});

describe('the caller’s effective role on a server without authentication', () => {
  const api = useTestServer(backends[0]!);

  it('is manager everywhere, as every request may do everything', async () => {
    const created = await ok(
      callAs<{ experiment: { experimentId: string } }>(api.url, undefined, 'POST', '/api/v1/experiments', {
        name: 'open-server',
      }),
    );
    const reply = await callAs(
      api.url,
      undefined,
      'GET',
      `/api/v1/auth/permissions?experiment=${created.experiment.experimentId}`,
    );
    expect(reply.body).toEqual({ role: 'manager' });
  });
});
