/**
 * The access-control replies of the native API (/api/v1/auth, users, teams, tokens, permissions) as JSON carries
 * them; checked against the server's schemas in src/api/native/wire-conformance.ts like the shapes beside it.
 */

export type RoleName = 'reader' | 'editor' | 'manager';
export type TokenScope = 'read' | 'write' | 'admin';

/** Who the browser is signed in as, and the CSRF token its cookie-authenticated writes must send. */
export interface Session {
  authEnabled: boolean;
  ssoEnabled: boolean;
  user: { name: string; kind: string; isAdmin: boolean; displayName: string | null } | null;
  csrfToken: string | null;
}

export interface AccessUser {
  id: string;
  name: string;
  kind: 'user' | 'service';
  email: string | null;
  displayName: string | null;
  isAdmin: boolean;
  active: boolean;
  hasPassword: boolean;
  sso: boolean;
  teams: string[];
  createdTime: number;
  lastLoginTime: number | null;
}

export interface Team {
  id: string;
  name: string;
  members: { name: string; maintainer: boolean }[];
  createdTime: number;
}

/** An API token as listed: never the secret, which only the reply that creates it carries. */
export interface TokenInfo {
  id: string;
  user: string;
  name: string;
  scope: TokenScope | null;
  createdTime: number;
  expiresTime: number | null;
  lastUsedTime: number | null;
  revokedTime: number | null;
}

/**
 * A role granted to a user or team on one experiment, one registered model (by name), one dataset (by
 * `<namespace>:<name>`) or everything.
 */
export interface RoleBinding {
  role: RoleName;
  subject: { kind: 'user' | 'team'; name: string };
  resource: { kind: 'experiment' | 'model' | 'dataset' | 'global'; id: string };
  createdTime: number;
}

/** The caller's own role on one resource; null when it may not read it. */
export interface EffectiveRole {
  role: RoleName | null;
}

/** An experiment (by id), registered model (by name) or dataset (`<namespace>:<name>`) only roles bound to it reach. */
export interface Restriction {
  kind: 'experiment' | 'model' | 'dataset';
  id: string;
}
