import type {
  ApiTokensTable,
  PrincipalsTable,
  RestrictedResourcesTable,
  RoleBindingsTable,
  TeamMembersTable,
  TeamsTable,
} from '../../schema-access.js';
import type { Executor } from '../../store.js';

/** Pages of the access-control tables in key order, and which keys still exist: what the audit verifier reads. */

export const pagePrincipals = (db: Executor, after: PrincipalsTable | undefined, limit: number) =>
  db
    .selectFrom('principals')
    .selectAll()
    .where('principal_id', '>', after?.principal_id ?? '')
    .orderBy('principal_id')
    .limit(limit)
    .execute();

export const pageTeams = (db: Executor, after: TeamsTable | undefined, limit: number) =>
  db
    .selectFrom('teams')
    .selectAll()
    .where('team_id', '>', after?.team_id ?? '')
    .orderBy('team_id')
    .limit(limit)
    .execute();

export const pageTeamMembers = (db: Executor, after: TeamMembersTable | undefined, limit: number) =>
  db
    .selectFrom('team_members')
    .selectAll()
    .where((eb) =>
      after
        ? eb.or([
            eb('team_id', '>', after.team_id),
            eb.and([eb('team_id', '=', after.team_id), eb('principal_id', '>', after.principal_id)]),
          ])
        : eb.lit(true),
    )
    .orderBy('team_id')
    .orderBy('principal_id')
    .limit(limit)
    .execute();

export const pageTokens = (db: Executor, after: ApiTokensTable | undefined, limit: number) =>
  db
    .selectFrom('api_tokens')
    .selectAll()
    .where('token_id', '>', after?.token_id ?? '')
    .orderBy('token_id')
    .limit(limit)
    .execute();

/** Role bindings and restrictions are few (one per grant): read whole and paged in memory by their entity id. */
export async function allRoleBindings(db: Executor): Promise<RoleBindingsTable[]> {
  return db.selectFrom('role_bindings').selectAll().execute();
}

export async function allRestrictions(db: Executor): Promise<RestrictedResourcesTable[]> {
  return db.selectFrom('restricted_resources').selectAll().execute();
}

export async function existingPrincipalIds(db: Executor, ids: string[]): Promise<Set<string>> {
  const rows = await db.selectFrom('principals').select('principal_id').where('principal_id', 'in', ids).execute();
  return new Set(rows.map((row) => row.principal_id));
}

export async function existingTeamIds(db: Executor, ids: string[]): Promise<Set<string>> {
  const rows = await db.selectFrom('teams').select('team_id').where('team_id', 'in', ids).execute();
  return new Set(rows.map((row) => row.team_id));
}

export async function existingTokenIds(db: Executor, ids: string[]): Promise<Set<string>> {
  const rows = await db.selectFrom('api_tokens').select('token_id').where('token_id', 'in', ids).execute();
  return new Set(rows.map((row) => row.token_id));
}
