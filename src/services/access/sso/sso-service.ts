import { afterSignIn } from '../../../domain/access/return-path.js';
import { DEFAULT_CLAIM_NAMES, ssoIdentityOf } from '../../../domain/access/sso-identity.js';
import type { Authentication } from '../authenticator.js';
import { IdentityProvider, TokenRefused } from './identity-provider.js';
import { codeChallengeOf, type LoginState, LoginStateSeal, newLoginState, sameSecret } from './login-state.js';
import type { SsoConfig } from './sso-config.js';
import type { SsoUsers } from './sso-users.js';

export const SSO_CALLBACK_PATH = '/api/v1/auth/sso/callback';

/** Sign-in through the OpenID Connect provider: Bearer JWTs for programs, the authorization-code flow for browsers. */
export class SsoService {
  private readonly provider: IdentityProvider;
  private readonly seal?: LoginStateSeal;
  private readonly claimNames;

  constructor(
    private readonly config: SsoConfig,
    private readonly users: SsoUsers,
    private readonly now: () => number,
  ) {
    this.provider = new IdentityProvider(config);
    this.seal = config.clientSecret === undefined ? undefined : new LoginStateSeal(config.clientSecret);
    this.claimNames = { ...DEFAULT_CLAIM_NAMES, ...config.claims };
  }

  /** Whether browsers can sign in here (Bearer JWTs are accepted either way). */
  get browserSignIn(): boolean {
    return this.seal !== undefined;
  }

  /** A Bearer JWT: the provider's token for this API, checked against the configured audience. */
  async verifyBearer(jwt: string): Promise<Authentication> {
    try {
      return await this.signIn(await this.provider.verify(jwt));
    } catch (error) {
      if (error instanceof TokenRefused) return { ok: false, reason: error.message };
      throw error;
    }
  }

  /**
   * Where to send the browser, and the sealed state to keep in its cookie. `origin` is the address the request
   * came to, used when no public URL is configured.
   */
  /** Sends the browser to the provider; `next` is the page of this site to land on once signed in. */
  async startLogin(origin: string, next = '/'): Promise<{ location: string; sealedState: string }> {
    const seal = this.requireSeal();
    const state = newLoginState(this.now(), next);
    const { authorization_endpoint: endpoint } = await this.provider.endpoints();
    const location = new URL(endpoint);
    location.search = new URLSearchParams({
      response_type: 'code',
      client_id: this.provider.clientId,
      redirect_uri: this.redirectUri(origin),
      scope: 'openid profile email',
      state: state.state,
      nonce: state.nonce,
      code_challenge: codeChallengeOf(state.codeVerifier),
      code_challenge_method: 'S256',
    }).toString();
    return { location: location.toString(), sealedState: seal.seal(state) };
  }

  /** The provider sent the browser back: checks it answers the sign-in it started and signs the user in. */
  async finishLogin(
    origin: string,
    sealedState: string | undefined,
    query: { code?: string; state?: string; error?: string; iss?: string },
  ): Promise<Authentication & { next?: string }> {
    try {
      const started: LoginState | undefined = this.requireSeal().open(sealedState, this.now());
      if (!started) return { ok: false, reason: 'the sign-in expired or was not started in this browser; start again' };
      if (query.state === undefined || !sameSecret(query.state, started.state)) {
        return { ok: false, reason: 'the sign-in answer does not match the sign-in this browser started' };
      }
      // RFC 9207: a provider that names itself in its answer must be the one this sign-in went to.
      if (query.iss !== undefined && query.iss !== this.config.issuer) {
        return { ok: false, reason: 'the sign-in answer comes from another provider' };
      }
      if (query.error !== undefined || query.code === undefined) {
        return { ok: false, reason: `the provider refused the sign-in (${(query.error ?? 'no code').slice(0, 60)})` };
      }
      const { idToken } = await this.provider.exchangeCode(query.code, this.redirectUri(origin), started.codeVerifier);
      const claims = await this.provider.verify(idToken, { audience: this.provider.clientId, nonce: started.nonce });
      const signedIn = await this.signIn(claims);
      return signedIn.ok ? { ...signedIn, next: afterSignIn(started.next) } : signedIn;
    } catch (error) {
      if (error instanceof TokenRefused) return { ok: false, reason: error.message };
      throw error;
    }
  }

  private async signIn(claims: Record<string, unknown>): Promise<Authentication> {
    const identity = ssoIdentityOf(claims, this.claimNames);
    if ('problem' in identity) return { ok: false, reason: identity.problem };
    return this.users.signIn(identity);
  }

  private redirectUri(origin: string): string {
    return `${(this.config.publicUrl ?? origin).replace(/\/$/, '')}${SSO_CALLBACK_PATH}`;
  }

  private requireSeal(): LoginStateSeal {
    if (!this.seal) throw new TokenRefused('browser sign-in needs a client secret (--oidc-client-secret-file)');
    return this.seal;
  }
}
