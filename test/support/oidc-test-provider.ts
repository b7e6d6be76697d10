import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { JWK } from 'jose';
import Provider, { type ClientMetadata } from 'oidc-provider';
import { codeChallengeOf } from '../../src/services/access/sso/login-state.js';

/** What the provider knows of a test user; becomes the claims of their tokens. */
export type TestAccount = Record<string, unknown>;

export interface TestProvider {
  issuer: string;
  /** Users by account id (the subject); tests change their claims between sign-ins. */
  accounts: Map<string, TestAccount>;
  /** Who the next sign-in logs in as: the interaction completes the provider's login and consent prompts for them. */
  signInAs: string;
  close(): Promise<void>;
}

/**
 * A real OpenID Connect provider (the oidc-provider package) on a loopback port. Its login page signs in
 * `signInAs` at once and grants what the client asked for, so tests drive the authorization-code flow over HTTP
 * exactly as a browser would, without a form to fill.
 */
export async function startTestProvider(options: {
  clients: ClientMetadata[];
  /** The provider's signing key (a private JWK with a `kid`); two providers with one key tell issuer checks apart. */
  signingKey: JWK;
  idTokenTtlSeconds?: number;
}): Promise<TestProvider> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const handle: TestProvider = {
    issuer,
    accounts: new Map(),
    signInAs: '',
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  const provider = new Provider(issuer, {
    clients: options.clients,
    jwks: { keys: [options.signingKey as never] },
    cookies: { keys: [randomBytes(16).toString('hex')] },
    claims: { openid: ['sub'], profile: ['preferred_username', 'name', 'groups'], email: ['email'] },
    // The claims go into the ID token itself, which is what the tests send as a Bearer JWT.
    conformIdTokenClaims: false,
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    ttl: {
      IdToken: options.idTokenTtlSeconds ?? 3600,
      AccessToken: 3600,
      AuthorizationCode: 60,
      Session: 3600,
      Interaction: 600,
      Grant: 3600,
    },
    findAccount: (_ctx, id) => {
      const account = handle.accounts.get(id);
      return account && { accountId: id, claims: () => ({ sub: id, ...account }) };
    },
    renderError: (ctx, out) => {
      ctx.type = 'json';
      ctx.body = out;
    },
  });
  const callback = provider.callback();
  server.on('request', (req, res) => {
    if (!req.url?.startsWith('/interaction/')) return void callback(req, res);
    void (async () => {
      const details = await provider.interactionDetails(req, res);
      if (details.prompt.name === 'login') {
        await provider.interactionFinished(req, res, { login: { accountId: handle.signInAs } });
        return;
      }
      const grant = new provider.Grant({
        accountId: details.session?.accountId as string,
        clientId: details.params.client_id as string,
      });
      const missing = details.prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[] };
      if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
      if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
      await provider.interactionFinished(req, res, { consent: { grantId: await grant.save() } });
    })().catch((error: Error) => {
      res.statusCode = 500;
      res.end(error.message);
    });
  });
  return handle;
}

/** Cookies per origin, as a browser keeps them (paths and expiry ignored: each test flow is short). */
export class CookieJar {
  private readonly byOrigin = new Map<string, Map<string, string>>();

  store(url: string, response: Response): void {
    const origin = new URL(url).origin;
    const jar = this.byOrigin.get(origin) ?? new Map<string, string>();
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (value === '' || /max-age=0\b|expires=thu, 01 jan 1970/i.test(line)) jar.delete(name);
      else jar.set(name, value);
    }
    this.byOrigin.set(origin, jar);
  }

  header(url: string): Record<string, string> {
    const jar = this.byOrigin.get(new URL(url).origin);
    return jar && jar.size > 0 ? { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') } : {};
  }

  get(url: string, name: string): string | undefined {
    return this.byOrigin.get(new URL(url).origin)?.get(name);
  }
}

/** A GET as a browser makes it, cookies included, without following redirects. */
export async function browse(jar: CookieJar, url: string): Promise<Response> {
  const response = await fetch(url, { redirect: 'manual', headers: jar.header(url) });
  jar.store(url, response);
  return response;
}

/** Follows redirects through the provider until one leads to `stopAt`; returns that address. */
export async function followUntil(jar: CookieJar, url: string, stopAt: string): Promise<URL> {
  let next = url;
  for (let hop = 0; hop < 10; hop += 1) {
    if (next.startsWith(stopAt)) return new URL(next);
    const response = await browse(jar, next);
    const location = response.headers.get('location');
    if (!location) throw new Error(`${next} answered ${response.status} without a redirect: ${await response.text()}`);
    next = new URL(location, next).toString();
  }
  throw new Error(`too many redirects before ${stopAt}`);
}

/**
 * Signs `user` in at the provider as `client` (the code flow with PKCE, as Mnemo's browser sign-in does it) and
 * returns the ID token: a JWT the provider signed, legitimately obtained.
 */
export async function idTokenFor(
  provider: TestProvider,
  client: { id: string; secret: string; redirectUri: string },
  user: string,
): Promise<string> {
  provider.signInAs = user;
  const verifier = randomBytes(32).toString('base64url');
  const authorize = new URL(`${provider.issuer}/auth`);
  authorize.search = new URLSearchParams({
    response_type: 'code',
    client_id: client.id,
    redirect_uri: client.redirectUri,
    scope: 'openid profile email',
    state: randomBytes(8).toString('hex'),
    nonce: randomBytes(8).toString('hex'),
    code_challenge: codeChallengeOf(verifier),
    code_challenge_method: 'S256',
  }).toString();
  const back = await followUntil(new CookieJar(), authorize.toString(), client.redirectUri);
  const code = back.searchParams.get('code');
  if (!code) throw new Error(`no code in ${back}`);
  const response = await fetch(`${provider.issuer}/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${client.id}:${client.secret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: client.redirectUri,
      code_verifier: verifier,
    }),
  });
  const body = (await response.json()) as { id_token?: string };
  if (!body.id_token) throw new Error(`token endpoint answered ${response.status}: ${JSON.stringify(body)}`);
  return body.id_token;
}
