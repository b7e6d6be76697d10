import { createHash, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { afterSignIn } from '../../../domain/access/return-path.js';

/** What a browser sign-in must remember between sending the browser to the provider and its return. */
export interface LoginState {
  /** Echoed by the provider: proves the callback answers a sign-in this browser started. */
  state: string;
  /** Carried in the ID token: proves the token was issued for this sign-in. */
  nonce: string;
  /** PKCE: only its hash went to the provider, so an intercepted code is useless without it. */
  codeVerifier: string;
  expiresTime: number;
  /** The page of this site to land on once signed in (already checked by afterSignIn). */
  next: string;
}

/** Long enough to type a password and a second factor at the provider. */
export const LOGIN_STATE_LIFETIME_MS = 10 * 60_000;

export function newLoginState(now: number, next: string): LoginState {
  const random = () => randomBytes(32).toString('base64url');
  return {
    state: random(),
    nonce: random(),
    codeVerifier: random(),
    expiresTime: now + LOGIN_STATE_LIFETIME_MS,
    next: afterSignIn(next),
  };
}

export const codeChallengeOf = (verifier: string) => createHash('sha256').update(verifier).digest('base64url');

/**
 * Keeps a sign-in's state in a cookie, signed so it cannot be forged or altered. A cookie rather than a table: any
 * replica can read it, and nothing is left behind by sign-ins never finished. The key is derived from the client
 * secret, which every replica has.
 */
export class LoginStateSeal {
  private readonly key: Buffer;

  constructor(clientSecret: string) {
    this.key = Buffer.from(hkdfSync('sha256', clientSecret, 'mnemo', 'sso login state cookie', 32));
  }

  seal(state: LoginState): string {
    const payload = Buffer.from(JSON.stringify(state)).toString('base64url');
    return `${payload}.${this.mac(payload)}`;
  }

  /** The state, if the cookie is one this server sealed and it has not expired. */
  open(cookie: string | undefined, now: number): LoginState | undefined {
    const [payload, mac] = (cookie ?? '').split('.');
    if (!payload || !mac) return undefined;
    const expected = Buffer.from(this.mac(payload));
    const given = Buffer.from(mac);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    const state = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as LoginState;
    return state.expiresTime > now ? state : undefined;
  }

  private mac(payload: string): string {
    return createHmac('sha256', this.key).update(payload).digest('base64url');
  }
}

export function sameSecret(a: string, b: string): boolean {
  const left = createHash('sha256').update(a).digest();
  const right = createHash('sha256').update(b).digest();
  return timingSafeEqual(left, right);
}
