/** Table shapes of principals, teams, tokens, sessions, role bindings and restricted resources (migration 0022). */

import type {
  BindingResourceKind,
  BindingSubjectKind,
  PrincipalKind,
  RestrictableKind,
  RoleName,
  TokenScope,
} from '../domain/access/access-types.js';

export interface PrincipalsTable {
  principal_id: string;
  kind: PrincipalKind;
  name: string;
  email: string | null;
  display_name: string | null;
  /** `scrypt$…` (domain/access/password-hash.ts); null for service accounts and SSO-only users. */
  password_hash: string | null;
  is_admin: number;
  active: number;
  /** The `iss sub` pair an SSO login maps to this principal; null for local users. */
  oidc_subject: string | null;
  created_time: number;
  last_login_time: number | null;
}

export interface TeamsTable {
  team_id: string;
  name: string;
  created_time: number;
}

export interface TeamMembersTable {
  team_id: string;
  principal_id: string;
  is_maintainer: number;
}

export interface ApiTokensTable {
  token_id: string;
  principal_id: string;
  name: string;
  /** SHA-256 of the token, hex: tokens carry 256 random bits, so a fast hash cannot be reversed by guessing. */
  token_hash: string;
  /** null: everything the principal may do. */
  scope: TokenScope | null;
  created_time: number;
  expires_time: number | null;
  last_used_time: number | null;
  revoked_time: number | null;
}

export interface SessionsTable {
  /** SHA-256 of the session cookie's value. */
  session_hash: string;
  principal_id: string;
  /** Sent back by the browser in a header on every cookie-authenticated write. */
  csrf_token: string;
  created_time: number;
  expires_time: number;
  revoked_time: number | null;
}

export interface RoleBindingsTable {
  subject_kind: BindingSubjectKind;
  subject_id: string;
  resource_kind: BindingResourceKind;
  /** Experiment id or registered model name; '' for a global binding. */
  resource_id: string;
  role: RoleName;
  created_time: number;
}

export interface RestrictedResourcesTable {
  resource_kind: RestrictableKind;
  resource_id: string;
  created_time: number;
}

/** Successful reads per principal, resource and hour (migration 0023). */
export interface AccessLogTable {
  principal: string;
  /** What was read: `experiment 3`, `registered model 'churn'`, or the route of a list. */
  resource: string;
  /** Start of the hour, epoch milliseconds. */
  hour: number;
  requests: number;
}

/**
 * One row (id 1) whose generation moves on with every committed change to role bindings or restrictions, by triggers
 * (migration 0030): what lets a server keep bindings it read and know, within the query that authenticates a request,
 * whether they are still current.
 */
export interface AccessGenerationTable {
  id: number;
  generation: number;
}

export interface AccessDatabase {
  access_log: AccessLogTable;
  access_generation: AccessGenerationTable;
  principals: PrincipalsTable;
  teams: TeamsTable;
  team_members: TeamMembersTable;
  api_tokens: ApiTokensTable;
  sessions: SessionsTable;
  role_bindings: RoleBindingsTable;
  restricted_resources: RestrictedResourcesTable;
}
