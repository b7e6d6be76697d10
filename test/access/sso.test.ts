import { createServer } from 'node:net';
import { exportJWK, generateKeyPair } from 'jose';
import type { ClientMetadata } from 'oidc-provider';
import { afterAll, describe, expect, it } from 'vitest';
import { verifyAuditTrail } from '../../src/services/provenance/verify/audit-verifier.js';
import { backends } from '../support/backends.js';
import {
  browse,
  CookieJar,
  followUntil,
  idTokenFor,
  startTestProvider,
  type TestProvider,
} from '../support/oidc-test-provider.js';
import { useTestServer } from '../support/test-server.js';
import { ADMIN_TOKEN, callAs, ok } from './access-fixture.js';

/**
 * Single sign-on against a real OpenID Connect provider on loopback: tokens are obtained through its
 * authorization-code flow, signed with its keys and checked by Mnemo through its discovery document and JWKS.
 */
const SECRET = 'mnemo-client-secret-for-tests-0123456789';
const OTHER_SECRET = 'other-client-secret-for-tests-0123456789';
const CALLBACK = '/api/v1/auth/sso/callback';
/** Short, so an expired token takes seconds to make; Mnemo's clock tolerance is set to zero to match. */
const ID_TOKEN_TTL_SECONDS = 5;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const ports = Object.fromEntries(await Promise.all(backends.map(async (b) => [b.name, await freePort()] as const)));
const mnemoUrls = Object.values(ports).map((port) => `http://127.0.0.1:${port}`);
const redirectUris = mnemoUrls.map((url) => `${url}${CALLBACK}`);
const { privateKey } = await generateKeyPair('RS256', { extractable: true });
const signingKey = { ...(await exportJWK(privateKey)), kid: 'test-key', alg: 'RS256', use: 'sig' };
const client = (id: string, secret: string): ClientMetadata => ({
  client_id: id,
  client_secret: secret,
  redirect_uris: redirectUris,
  grant_types: ['authorization_code'],
  response_types: ['code'],
});
const provider: TestProvider = await startTestProvider({
  clients: [client('mnemo', SECRET), client('other-app', OTHER_SECRET)],
  signingKey,
  idTokenTtlSeconds: ID_TOKEN_TTL_SECONDS,
});
// Another issuer signing with the very same key: only the issuer check tells its tokens apart.
const impostor: TestProvider = await startTestProvider({ clients: [client('mnemo', SECRET)], signingKey });
afterAll(async () => {
  await provider.close();
  await impostor.close();
});

const mnemoClient = { id: 'mnemo', secret: SECRET, redirectUri: redirectUris[0] as string };
const otherClient = { id: 'other-app', secret: OTHER_SECRET, redirectUri: redirectUris[0] as string };

for (const backend of backends) {
  describe(`single sign-on through an OpenID Connect provider (${backend.name})`, () => {
    const publicUrl = `http://127.0.0.1:${ports[backend.name]}`;
    const t = useTestServer(backend, {
      server: {
        port: ports[backend.name],
        auth: {
          enabled: true,
          adminToken: ADMIN_TOKEN,
          oidc: {
            issuer: provider.issuer,
            clientId: 'mnemo',
            clientSecret: SECRET,
            publicUrl,
            clockToleranceSeconds: 0,
          },
        },
      },
    });
    const sub = (name: string) => `${name}-${backend.name}`;
    const session = (token: string) =>
      callAs<{ user: { name: string } | null }>(t.url, token, 'GET', '/api/v1/auth/session');
    const userView = async (name: string) => {
      const { users } = await ok(
        callAs<{ users: { name: string; teams: string[]; sso: boolean; email: string | null }[] }>(
          t.url,
          ADMIN_TOKEN,
          'GET',
          '/api/v1/users',
        ),
      );
      const found = users.find((user) => user.name === name);
      if (!found) throw new Error(`no user ${name}`);
      return found;
    };

    it('accepts the ID token as a Bearer JWT, creating the user with the teams its groups name', async () => {
      await ok(callAs(t.url, ADMIN_TOKEN, 'POST', '/api/v1/teams', { name: 'ml' }));
      await ok(callAs(t.url, ADMIN_TOKEN, 'POST', '/api/v1/teams', { name: 'ops' }));
      provider.accounts.set(sub('alice'), {
        preferred_username: 'Alice Smith',
        email: 'alice@example.com',
        name: 'Alice Smith',
        groups: ['ml', 'no-such-team'],
      });
      const token = await idTokenFor(provider, mnemoClient, sub('alice'));
      const { seq: before } = await t.server.store.db
        .selectFrom('audit_events')
        .select((eb) => eb.fn.max('seq').as('seq'))
        .executeTakeFirstOrThrow();
      const first = await session(token);
      expect(first.status).toBe(200);
      expect(first.body.user?.name).toBe('Alice-Smith');
      expect(await userView('Alice-Smith')).toMatchObject({ sso: true, email: 'alice@example.com', teams: ['ml'] });
      // The same token again finds the same user.
      expect((await session(token)).body.user?.name).toBe('Alice-Smith');
      // It is a signed-in principal like any other: it may create an experiment.
      const created = await callAs(t.url, token, 'POST', '/api/2.0/mlflow/experiments/create', {
        name: `sso-${backend.name}`,
      });
      expect(created.status).toBe(200);

      // The provider moves her to another group: the next sign-in moves her teams along.
      provider.accounts.set(sub('alice'), { preferred_username: 'alice-renamed', groups: ['ops'] });
      const later = await idTokenFor(provider, mnemoClient, sub('alice'));
      expect((await session(later)).body.user?.name).toBe('Alice-Smith');
      expect((await userView('Alice-Smith')).teams).toEqual(['ops']);

      const actions = await t.server.store.db
        .selectFrom('audit_events')
        .select(['action', 'actor'])
        .where('action', 'in', ['principal.create', 'team.member.add', 'team.member.remove'])
        .where('seq', '>', Number(before))
        .orderBy('seq')
        .execute();
      expect(actions).toEqual([
        { action: 'principal.create', actor: 'Alice-Smith' },
        { action: 'team.member.add', actor: 'Alice-Smith' },
        { action: 'team.member.add', actor: 'Alice-Smith' },
        { action: 'team.member.remove', actor: 'Alice-Smith' },
      ]);
      expect((await verifyAuditTrail(t.server.store.db)).problems).toEqual([]);
    });

    it('never hands an existing account to a provider user of the same name', async () => {
      await ok(callAs(t.url, ADMIN_TOKEN, 'POST', '/api/v1/users', { name: 'bob', password: 'local-password-1' }));
      provider.accounts.set(sub('bob'), { preferred_username: 'bob' });
      const token = await idTokenFor(provider, mnemoClient, sub('bob'));
      expect((await session(token)).body.user?.name).toBe('bob-2');
      expect((await userView('bob')).sso).toBe(false);
    });

    it('refuses tokens for another audience, from another issuer, tampered with or expired, saying why', async () => {
      provider.accounts.set(sub('dave'), { preferred_username: 'dave' });
      impostor.accounts.set(sub('dave'), { preferred_username: 'dave' });
      const refusal = async (token: string) => {
        const reply = await callAs<{ error_code: string; message: string }>(t.url, token, 'GET', '/api/v1/experiments');
        expect(reply.status).toBe(401);
        expect(reply.body.error_code).toBe('UNAUTHENTICATED');
        expect(reply.headers.get('www-authenticate')).toMatch(/Bearer/);
        expect(reply.body.message).not.toContain(token.split('.')[1]);
        return reply.body.message;
      };
      expect(await refusal(await idTokenFor(provider, otherClient, sub('dave')))).toMatch(/another audience/);
      expect(await refusal(await idTokenFor(impostor, mnemoClient, sub('dave')))).toMatch(/another provider/);

      const genuine = await idTokenFor(provider, mnemoClient, sub('dave'));
      const [header, payload, signature] = genuine.split('.') as [string, string, string];
      const middle = Math.floor(signature.length / 2);
      const flipped = signature[middle] === 'A' ? 'B' : 'A';
      const badSignature = `${header}.${payload}.${signature.slice(0, middle)}${flipped}${signature.slice(middle + 1)}`;
      expect(await refusal(badSignature)).toMatch(/signature does not verify/);
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
      const forged = Buffer.from(JSON.stringify({ ...claims, sub: sub('alice') })).toString('base64url');
      expect(await refusal(`${header}.${forged}.${signature}`)).toMatch(/signature does not verify/);
      // None of these created a user.
      const users = await ok(callAs<{ users: { name: string }[] }>(t.url, ADMIN_TOKEN, 'GET', '/api/v1/users'));
      expect(JSON.stringify(users)).not.toContain('dave');

      await new Promise((resolve) => setTimeout(resolve, (ID_TOKEN_TTL_SECONDS + 1) * 1000));
      expect(await refusal(genuine)).toMatch(/expired/);
    }, 30_000);

    it('lands the browser on the page it was going to, and never on another site', async () => {
      provider.accounts.set(sub('nina'), { preferred_username: 'nina' });
      provider.signInAs = sub('nina');
      const landing = async (next: string) => {
        const jar = new CookieJar();
        const start = await browse(jar, `${t.url}/api/v1/auth/sso/start?next=${encodeURIComponent(next)}`);
        const back = await followUntil(jar, start.headers.get('location') as string, `${publicUrl}${CALLBACK}`);
        const callback = await browse(jar, back.toString());
        expect(callback.status).toBe(302);
        return callback.headers.get('location');
      };
      expect(await landing('/models/fraud?tab=versions')).toBe('/models/fraud?tab=versions');
      for (const hostile of ['//evil.example/x', 'https://evil.example/', '/\\evil.example', '/\t/evil.example']) {
        expect(await landing(hostile), hostile).toBe('/');
      }
    });

    it('signs a browser in by the authorization-code flow with PKCE, ending in a working session', async () => {
      provider.accounts.set(sub('carol'), { preferred_username: 'carol', groups: ['ml'] });
      provider.signInAs = sub('carol');
      const jar = new CookieJar();
      const start = await browse(jar, `${t.url}/api/v1/auth/sso/start`);
      expect(start.status).toBe(302);
      const stateCookie = start.headers.getSetCookie().find((line) => line.startsWith('mnemo_sso_login='));
      expect(stateCookie).toMatch(/HttpOnly/i);
      expect(stateCookie).toMatch(/SameSite=Lax/i);
      const authorize = new URL(start.headers.get('location') as string);
      expect(authorize.origin).toBe(provider.issuer);
      expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
      expect(authorize.searchParams.get('code_challenge')).toMatch(/^[\w-]{43}$/);
      expect(authorize.searchParams.get('redirect_uri')).toBe(`${publicUrl}${CALLBACK}`);
      expect(authorize.searchParams.get('nonce')).toBeTruthy();
      // Nothing of the state travels in the clear: the cookie is sealed and the verifier never leaves the server.
      expect(authorize.toString()).not.toContain(stateCookie?.split(';')[0]?.split('=')[1]?.split('.')[0]);

      const back = await followUntil(jar, authorize.toString(), `${publicUrl}${CALLBACK}`);
      const callback = await browse(jar, back.toString());
      expect(callback.status).toBe(302);
      expect(callback.headers.get('location')).toBe('/');
      const sessionCookie = callback.headers.getSetCookie().find((line) => line.startsWith('mnemo_session='));
      expect(sessionCookie).toMatch(/HttpOnly/i);

      const who = await fetch(`${t.url}/api/v1/auth/session`, { headers: jar.header(t.url) });
      const body = (await who.json()) as {
        user: { name: string } | null;
        csrfToken: string | null;
        ssoEnabled: boolean;
      };
      expect(body.user?.name).toBe('carol');
      expect(body.ssoEnabled).toBe(true);
      expect(body.csrfToken).toEqual(expect.any(String));
      expect((await userView('carol')).teams).toEqual(['ml']);

      // The answer cannot be replayed: the state cookie went with its first use, and the code with it.
      const replay = await browse(jar, back.toString());
      expect(replay.status).toBe(401);
      // Nor finished in a browser that did not start the sign-in.
      const elsewhere = await browse(new CookieJar(), back.toString());
      expect(elsewhere.status).toBe(401);
      expect(((await elsewhere.json()) as { message: string }).message).toMatch(/not started in this browser/);
    });

    it('refuses an answer whose state does not match the sign-in this browser started', async () => {
      const jar = new CookieJar();
      await browse(jar, `${t.url}/api/v1/auth/sso/start`);
      const reply = await browse(jar, `${t.url}${CALLBACK}?code=anything&state=forged`);
      expect(reply.status).toBe(401);
      expect(((await reply.json()) as { message: string }).message).toMatch(/does not match/);
    });

    it('refuses a deactivated user, by Bearer JWT and by browser', async () => {
      provider.accounts.set(sub('erin'), { preferred_username: 'erin' });
      expect((await session(await idTokenFor(provider, mnemoClient, sub('erin')))).body.user?.name).toBe('erin');
      await ok(callAs(t.url, ADMIN_TOKEN, 'POST', '/api/v1/users/erin/deactivate'));
      const refused = await callAs<{ message: string }>(
        t.url,
        await idTokenFor(provider, mnemoClient, sub('erin')),
        'GET',
        '/api/v1/experiments',
      );
      expect(refused.status).toBe(401);
      expect(refused.body.message).toMatch(/'erin' is deactivated/);

      provider.signInAs = sub('erin');
      const jar = new CookieJar();
      const start = await browse(jar, `${t.url}/api/v1/auth/sso/start`);
      const back = await followUntil(jar, start.headers.get('location') as string, `${publicUrl}${CALLBACK}`);
      const callback = await browse(jar, back.toString());
      expect(callback.status).toBe(401);
      expect(jar.get(t.url, 'mnemo_session')).toBeUndefined();
    });
  });
}
