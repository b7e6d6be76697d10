import type { ClaimNames } from '../../../domain/access/sso-identity.js';

/** Single sign-on through an OpenID Connect provider (`--oidc-*` server options). */
export interface SsoConfig {
  /** The provider's issuer URL, exactly as its tokens name it; its discovery document lives beneath it. */
  issuer: string;
  clientId: string;
  /**
   * Needed for browser sign-in only (Mnemo is a confidential client: it authenticates to the token endpoint). It
   * also keys the signature of the short-lived cookie that carries a sign-in's state to the callback, so every
   * replica configured alike can finish a sign-in another one started.
   */
  clientSecret?: string;
  /** The `aud` Bearer JWTs must carry; default the client id. ID tokens always carry the client id. */
  audience?: string;
  claims?: Partial<ClaimNames>;
  /** The address browsers reach Mnemo at; the provider sends them back to `<publicUrl>/api/v1/auth/sso/callback`. */
  publicUrl?: string;
  /** How far clocks may disagree when checking `exp` and `nbf`; default 60 seconds. */
  clockToleranceSeconds?: number;
}

export const DEFAULT_CLOCK_TOLERANCE_SECONDS = 60;
