import type { PrincipalKind, TokenScope } from './access-types.js';

/** Who is making a request, once authenticated. */
export interface Principal {
  id: string;
  name: string;
  kind: PrincipalKind;
  isAdmin: boolean;
  /** Ids of the teams the principal belongs to. */
  teamIds: readonly string[];
  /** The scope of the token the request carried; null for passwords, sessions, SSO and unscoped tokens. */
  scope: TokenScope | null;
  /** How the principal proved who it is: recorded with denied attempts. */
  via: 'token' | 'password' | 'session' | 'oidc' | 'open';
  /** The token's id when a token was used, so a denial names the token and not only its owner. */
  tokenId?: string;
  /**
   * The access generation (the count of committed changes to role bindings and restrictions) read when the principal
   * was authenticated: bindings read under it may be reused by later requests of the same generation.
   */
  factsGeneration?: number;
}

/** The identity of every request to a server running without authentication: may do everything. */
export const OPEN_ACCESS_PRINCIPAL: Principal = {
  id: 'anonymous',
  name: 'anonymous',
  kind: 'user',
  isAdmin: true,
  teamIds: [],
  scope: null,
  via: 'open',
};
