import { describe, expect, it } from 'vitest';
import { backends } from '../support/backends.js';
import { useTestServer } from '../support/test-server.js';
import { ADMIN_TOKEN, ok, userWithToken } from './access-fixture.js';

/** Signing in as the web UI does: a session cookie, and a CSRF token every cookie-authenticated write must echo. */
describe.each(backends)('browser sessions on $name', (backend) => {
  const api = useTestServer(backend, { server: { auth: { enabled: true, adminToken: ADMIN_TOKEN } } });

  const login = (username: string, password: string) =>
    fetch(`${api.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });

  it('signs in with a password and keeps the session in an HttpOnly, SameSite cookie', async () => {
    await userWithToken(api.url, 'rita', { password: 'rita-password-1' });
    expect((await login('rita', 'wrong-password')).status).toBe(401);
    expect((await login('nobody', 'rita-password-1')).status).toBe(401);

    const signedIn = await login('rita', 'rita-password-1');
    expect(signedIn.status).toBe(200);
    const cookie = signedIn.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^mnemo_session=[\w-]{40,};/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const { csrfToken, user } = (await signedIn.json()) as { csrfToken: string; user: { name: string } };
    expect(user.name).toBe('rita');
    const session = cookie.split(';')[0]!;

    const read = await fetch(`${api.url}/api/v1/experiments`, { headers: { cookie: session } });
    expect(read.status).toBe(200);
    const create = (headers: Record<string, string>) =>
      fetch(`${api.url}/api/v1/experiments`, {
        method: 'POST',
        headers: { cookie: session, 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ name: `from-browser-${Object.keys(headers).length}` }),
      });
    const forged = await create({});
    expect(forged.status).toBe(403);
    expect(((await forged.json()) as { message: string }).message).toMatch(/x-mnemo-csrf/);
    expect((await create({ 'x-mnemo-csrf': 'guess' })).status).toBe(403);
    expect((await create({ 'x-mnemo-csrf': csrfToken })).status).toBe(201);

    const out = await fetch(`${api.url}/api/v1/auth/logout`, {
      method: 'POST',
      headers: { cookie: session, 'x-mnemo-csrf': csrfToken },
    });
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toMatch(/mnemo_session=;/);
    expect((await fetch(`${api.url}/api/v1/experiments`, { headers: { cookie: session } })).status).toBe(401);
  });

  it('does not take a token as a password at the sign-in form', async () => {
    const token = await userWithToken(api.url, 'otto');
    expect((await login('otto', token)).status).toBe(401);
    const session = await ok(
      fetch(`${api.url}/api/v1/auth/session`).then(async (r) => ({
        status: r.status,
        body: await r.json(),
        headers: r.headers,
      })),
    );
    expect(session).toMatchObject({ authEnabled: true, user: null, csrfToken: null });
  });
});
