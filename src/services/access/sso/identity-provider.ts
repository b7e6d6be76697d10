import { createRemoteJWKSet, errors, type JWTPayload, jwtVerify } from 'jose';
import { DEFAULT_CLOCK_TOLERANCE_SECONDS, type SsoConfig } from './sso-config.js';

interface Discovery {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  jwks_uri: string;
}

/** A token the provider did not vouch for, with a reason safe to show the caller. */
export class TokenRefused extends Error {}

const DISCOVERY_TIMEOUT_MS = 10_000;

/**
 * The OpenID Connect provider as Mnemo talks to it: its discovery document (read once, when first needed, so a
 * provider that is down at start-up does not stop the server), its signing keys (fetched and refreshed by jose
 * when an unknown key id appears), and its token endpoint.
 */
export class IdentityProvider {
  private discovery?: Promise<{ document: Discovery; keys: ReturnType<typeof createRemoteJWKSet> }>;

  constructor(private readonly config: SsoConfig) {}

  get clientId(): string {
    return this.config.clientId;
  }

  async endpoints(): Promise<Discovery> {
    return (await this.discovered()).document;
  }

  /**
   * Checks signature, issuer, audience and expiry of a JWT the provider issued. `audience` defaults to the
   * configured one (access tokens); ID tokens are checked against the client id, with the nonce of their sign-in.
   */
  async verify(jwt: string, expect: { audience?: string; nonce?: string } = {}): Promise<JWTPayload> {
    const { keys } = await this.discovered();
    try {
      const { payload } = await jwtVerify(jwt, keys, {
        issuer: this.config.issuer,
        audience: expect.audience ?? this.config.audience ?? this.config.clientId,
        clockTolerance: this.config.clockToleranceSeconds ?? DEFAULT_CLOCK_TOLERANCE_SECONDS,
        requiredClaims: ['exp', 'sub'],
      });
      if (expect.nonce !== undefined && payload.nonce !== expect.nonce) {
        throw new TokenRefused('the ID token does not belong to this sign-in (nonce mismatch)');
      }
      return payload;
    } catch (error) {
      throw error instanceof TokenRefused ? error : new TokenRefused(reasonFor(error));
    }
  }

  /** Trades an authorization code for tokens, proving with the PKCE verifier that this server asked for it. */
  async exchangeCode(code: string, redirectUri: string, codeVerifier: string): Promise<{ idToken: string }> {
    const { token_endpoint: tokenEndpoint } = await this.endpoints();
    const secret = this.config.clientSecret;
    if (secret === undefined)
      throw new TokenRefused('browser sign-in needs a client secret (--oidc-client-secret-file)');
    // client_secret_basic: each part form-encoded first (RFC 6749 section 2.3.1).
    const basic = Buffer.from(`${formEncode(this.config.clientId)}:${formEncode(secret)}`).toString('base64');
    const response = await fetch(tokenEndpoint, {
      method: 'POST',
      headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        redirect_uri: redirectUri,
        code_verifier: codeVerifier,
      }),
      signal: AbortSignal.timeout(DISCOVERY_TIMEOUT_MS),
    });
    const body = (await response.json().catch(() => ({}))) as { id_token?: unknown; error?: unknown };
    if (!response.ok || typeof body.id_token !== 'string') {
      // The provider's error code (invalid_grant, invalid_client…) says what went wrong and holds no secret.
      const code = typeof body.error === 'string' ? body.error.slice(0, 60) : `HTTP ${response.status}`;
      throw new TokenRefused(`the provider did not exchange the sign-in code (${code})`);
    }
    return { idToken: body.id_token };
  }

  private discovered() {
    if (!this.discovery) {
      this.discovery = this.discover();
      // A failed look-up is tried again by the next request rather than remembered.
      this.discovery.catch(() => {
        this.discovery = undefined;
      });
    }
    return this.discovery;
  }

  private async discover() {
    const url = `${this.config.issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
    let document: Discovery;
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(DISCOVERY_TIMEOUT_MS) });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      document = (await response.json()) as Discovery;
    } catch {
      throw new TokenRefused('the sign-in provider cannot be reached; try again later');
    }
    // OpenID Connect Discovery section 4.3: the document must name the issuer it was fetched for.
    if (document.issuer !== this.config.issuer) {
      throw new TokenRefused('the sign-in provider is misconfigured: its discovery document names another issuer');
    }
    return { document, keys: createRemoteJWKSet(new URL(document.jwks_uri)) };
  }
}

function reasonFor(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'the SSO token expired';
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'iss') return 'the SSO token was issued by another provider';
    if (error.claim === 'aud') return 'the SSO token is meant for another audience';
    if (error.claim === 'nbf') return 'the SSO token is not valid yet';
    return `the SSO token's '${error.claim.slice(0, 20)}' claim is missing or invalid`;
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) return "the SSO token's signature does not verify";
  if (error instanceof errors.JWKSNoMatchingKey)
    return 'the SSO token is signed with a key the provider does not publish';
  if (error instanceof errors.JOSEAlgNotAllowed || error instanceof errors.JOSENotSupported) {
    return 'the SSO token is signed with an algorithm that is not accepted';
  }
  if (error instanceof errors.JWKSTimeout || !(error instanceof errors.JOSEError)) {
    // Not the token's fault: the provider's keys could not be fetched.
    return "the sign-in provider's keys cannot be fetched; try again later";
  }
  return 'the SSO token is not a valid JWT';
}

const formEncode = (value: string) => new URLSearchParams({ v: value }).toString().slice(2);
