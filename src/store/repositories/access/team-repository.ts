import type { TeamMembersTable, TeamsTable } from '../../schema-access.js';
import type { Executor } from '../../store.js';

export async function insertTeamRow(db: Executor, row: TeamsTable): Promise<void> {
  await db.insertInto('teams').values(row).execute();
}

export async function findTeamByName(db: Executor, name: string): Promise<TeamsTable | undefined> {
  return db.selectFrom('teams').selectAll().where('name', '=', name).executeTakeFirst();
}

export async function listTeamRows(db: Executor): Promise<TeamsTable[]> {
  return db.selectFrom('teams').selectAll().orderBy('name').execute();
}

export async function upsertTeamMember(db: Executor, row: TeamMembersTable): Promise<void> {
  await db
    .insertInto('team_members')
    .values(row)
    .onConflict((oc) => oc.columns(['team_id', 'principal_id']).doUpdateSet({ is_maintainer: row.is_maintainer }))
    .execute();
}

export async function deleteTeamMember(db: Executor, teamId: string, principalId: string): Promise<number> {
  const result = await db
    .deleteFrom('team_members')
    .where('team_id', '=', teamId)
    .where('principal_id', '=', principalId)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

export interface TeamMemberView {
  teamId: string;
  principalName: string;
  isMaintainer: boolean;
}

export async function listTeamMembers(db: Executor): Promise<TeamMemberView[]> {
  const rows = await db
    .selectFrom('team_members')
    .innerJoin('principals', 'principals.principal_id', 'team_members.principal_id')
    .select(['team_members.team_id', 'principals.name', 'team_members.is_maintainer'])
    .orderBy('principals.name')
    .execute();
  return rows.map((row) => ({ teamId: row.team_id, principalName: row.name, isMaintainer: row.is_maintainer === 1 }));
}
