import type { ProblemLog } from '../../../domain/provenance/verification-report.js';
import {
  allRestrictions,
  allRoleBindings,
  existingPrincipalIds,
  existingTeamIds,
  existingTokenIds,
  pagePrincipals,
  pageTeamMembers,
  pageTeams,
  pageTokens,
} from '../../../store/repositories/access/access-pages.js';
import type { RestrictedResourcesTable, RoleBindingsTable, TeamMembersTable } from '../../../store/schema-access.js';
import type { Executor } from '../../../store/store.js';
import {
  principalAuditState,
  restrictionEntityId,
  roleBindingAuditState,
  roleBindingEntityId,
  teamAuditState,
  teamMemberAuditState,
  teamMemberEntityId,
  tokenAuditState,
} from '../../access/access-audit-states.js';
import { type RecordedRowKind, verifyRecordedRows } from './recorded-rows.js';

/**
 * Who may do what is as much history as what was done: a user made admin, a token or a grant inserted behind the
 * server's back must show, so every access-control row is checked against its latest event like any entity.
 */
const principalKind: RecordedRowKind<Parameters<typeof principalAuditState>[0]> = {
  entityKind: 'principal',
  noun: 'user',
  page: pagePrincipals,
  entityId: (row) => row.principal_id,
  label: (row) => `user '${row.name}'`,
  current: principalAuditState,
  present: existingPrincipalIds,
};

const teamKind: RecordedRowKind<Parameters<typeof teamAuditState>[0]> = {
  entityKind: 'team',
  noun: 'team',
  page: pageTeams,
  entityId: (row) => row.team_id,
  label: (row) => `team '${row.name}'`,
  current: teamAuditState,
  present: existingTeamIds,
};

const teamMemberKind: RecordedRowKind<TeamMembersTable> = {
  entityKind: 'team_member',
  noun: 'team membership',
  page: pageTeamMembers,
  entityId: teamMemberEntityId,
  label: (row) => `membership of ${row.principal_id} in team ${row.team_id}`,
  current: teamMemberAuditState,
  deleteAction: 'team.member.remove',
  present: async (db, ids) => keysPresent(await pageAll(db, pageTeamMembers), teamMemberEntityId, ids),
};

const tokenKind: RecordedRowKind<Parameters<typeof tokenAuditState>[0]> = {
  entityKind: 'api_token',
  noun: 'API token',
  page: pageTokens,
  entityId: (row) => row.token_id,
  label: (row) => `API token ${row.token_id}`,
  current: tokenAuditState,
  present: existingTokenIds,
};

const roleBindingKind: RecordedRowKind<RoleBindingsTable> = {
  entityKind: 'role_binding',
  noun: 'role binding',
  page: async (db, after, limit) => pageInMemory(await allRoleBindings(db), roleBindingEntityId, after, limit),
  entityId: roleBindingEntityId,
  label: (row) => `role binding ${roleBindingEntityId(row)}`,
  current: roleBindingAuditState,
  deleteAction: 'permission.revoke',
  present: async (db, ids) => keysPresent(await allRoleBindings(db), roleBindingEntityId, ids),
};

const restrictionKind: RecordedRowKind<RestrictedResourcesTable> = {
  entityKind: 'restricted_resource',
  noun: 'restriction',
  page: async (db, after, limit) => pageInMemory(await allRestrictions(db), restrictionEntityId, after, limit),
  entityId: restrictionEntityId,
  label: (row) => `restriction of ${restrictionEntityId(row)}`,
  current: (row) => ({ resourceKind: row.resource_kind, resourceId: row.resource_id }),
  deleteAction: 'resource.unrestrict',
  present: async (db, ids) => keysPresent(await allRestrictions(db), restrictionEntityId, ids),
};

export async function verifyAccessControl(db: Executor, problems: ProblemLog): Promise<number> {
  let checked = 0;
  for (const kind of [principalKind, teamKind, teamMemberKind, tokenKind, roleBindingKind, restrictionKind]) {
    checked += await verifyRecordedRows(db, problems, kind as RecordedRowKind<unknown>);
  }
  return checked;
}

function pageInMemory<Row>(rows: Row[], key: (row: Row) => string, after: Row | undefined, limit: number): Row[] {
  const from = after === undefined ? '' : key(after);
  return rows
    .filter((row) => key(row) > from)
    .sort((a, b) => (key(a) < key(b) ? -1 : 1))
    .slice(0, limit);
}

async function pageAll<Row>(
  db: Executor,
  page: (db: Executor, after: Row | undefined, limit: number) => Promise<Row[]>,
) {
  const all: Row[] = [];
  for (let after: Row | undefined; ; ) {
    const rows = await page(db, after, 1000);
    if (rows.length === 0) return all;
    all.push(...rows);
    after = rows[rows.length - 1];
  }
}

function keysPresent<Row>(rows: Row[], key: (row: Row) => string, ids: string[]): Set<string> {
  const wanted = new Set(ids);
  return new Set(rows.map(key).filter((id) => wanted.has(id)));
}
