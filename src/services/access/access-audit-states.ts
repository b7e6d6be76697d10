import { createHash } from 'node:crypto';
import type {
  PrincipalState,
  RoleBindingState,
  TeamMemberState,
  TeamState,
  TokenState,
} from '../../domain/provenance/audit-events/access-states.js';
import type {
  ApiTokensTable,
  PrincipalsTable,
  RestrictedResourcesTable,
  RoleBindingsTable,
  TeamMembersTable,
  TeamsTable,
} from '../../store/schema-access.js';

/**
 * What the audit log records of each access-control row, computed the same way when written and when verified.
 * Secrets are never recorded: a password hash or token hash appears only as its digest, enough to show that one
 * was swapped behind the server's back. Times that change on every use (last login, last use) are left out.
 */
const digest = (value: string | null) => (value === null ? null : createHash('sha256').update(value).digest('hex'));

export function principalAuditState(row: PrincipalsTable): PrincipalState {
  return {
    principalId: row.principal_id,
    kind: row.kind,
    name: row.name,
    email: row.email,
    displayName: row.display_name,
    isAdmin: row.is_admin === 1,
    active: row.active === 1,
    passwordDigest: digest(row.password_hash),
    oidcSubject: row.oidc_subject,
    createdTime: Number(row.created_time),
  };
}

export function teamAuditState(row: TeamsTable): TeamState {
  return { teamId: row.team_id, name: row.name, createdTime: Number(row.created_time) };
}

export const teamMemberEntityId = (row: Pick<TeamMembersTable, 'team_id' | 'principal_id'>) =>
  `${row.team_id}/${row.principal_id}`;

export function teamMemberAuditState(row: TeamMembersTable): TeamMemberState {
  return { teamId: row.team_id, principalId: row.principal_id, isMaintainer: row.is_maintainer === 1 };
}

export function tokenAuditState(row: ApiTokensTable): TokenState {
  return {
    tokenId: row.token_id,
    principalId: row.principal_id,
    name: row.name,
    scope: row.scope,
    hashDigest: digest(row.token_hash),
    createdTime: Number(row.created_time),
    expiresTime: row.expires_time === null ? null : Number(row.expires_time),
    revokedTime: row.revoked_time === null ? null : Number(row.revoked_time),
  };
}

export const roleBindingEntityId = (
  row: Pick<RoleBindingsTable, 'subject_kind' | 'subject_id' | 'resource_kind' | 'resource_id'>,
) => `${row.subject_kind}:${row.subject_id}@${row.resource_kind}:${row.resource_id}`;

export function roleBindingAuditState(row: RoleBindingsTable): RoleBindingState {
  return {
    subjectKind: row.subject_kind,
    subjectId: row.subject_id,
    resourceKind: row.resource_kind,
    resourceId: row.resource_id,
    role: row.role,
    createdTime: Number(row.created_time),
  };
}

export const restrictionEntityId = (row: Pick<RestrictedResourcesTable, 'resource_kind' | 'resource_id'>) =>
  `${row.resource_kind}:${row.resource_id}`;
