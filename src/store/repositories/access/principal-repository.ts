import { namedStatement } from '../../named-statements.js';
import type { PrincipalsTable } from '../../schema-access.js';
import type { Executor } from '../../store.js';
import { currentAccessGeneration } from './access-generation.js';

export async function insertPrincipalRow(db: Executor, row: PrincipalsTable): Promise<void> {
  await db.insertInto('principals').values(row).execute();
}

export async function findPrincipalById(db: Executor, principalId: string): Promise<PrincipalsTable | undefined> {
  return db.selectFrom('principals').selectAll().where('principal_id', '=', principalId).executeTakeFirst();
}

export async function findPrincipalByName(db: Executor, name: string): Promise<PrincipalsTable | undefined> {
  return db.selectFrom('principals').selectAll().where('name', '=', name).executeTakeFirst();
}

export async function findPrincipalBySubject(db: Executor, subject: string): Promise<PrincipalsTable | undefined> {
  return db.selectFrom('principals').selectAll().where('oidc_subject', '=', subject).executeTakeFirst();
}

export async function updatePrincipalRow(
  db: Executor,
  principalId: string,
  changes: Partial<Omit<PrincipalsTable, 'principal_id' | 'created_time'>>,
): Promise<void> {
  await db.updateTable('principals').set(changes).where('principal_id', '=', principalId).execute();
}

export async function listPrincipalRows(db: Executor): Promise<PrincipalsTable[]> {
  return db.selectFrom('principals').selectAll().orderBy('name').execute();
}

export async function countAdmins(db: Executor): Promise<number> {
  const row = await db
    .selectFrom('principals')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('is_admin', '=', 1)
    .where('active', '=', 1)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Ids of the teams a principal belongs to. */
export async function teamIdsOf(db: Executor, principalId: string): Promise<string[]> {
  const rows = await db.selectFrom('team_members').select('team_id').where('principal_id', '=', principalId).execute();
  return rows.map((row) => row.team_id);
}

const principalWithTeamsRows = namedStatement('mnemo_principal_with_teams', (db, principalId: string) =>
  db
    .selectFrom('principals')
    .leftJoin('team_members', 'team_members.principal_id', 'principals.principal_id')
    .selectAll('principals')
    .select(['team_members.team_id', currentAccessGeneration])
    .where('principals.principal_id', '=', principalId),
);

/** A principal with the ids of its teams, in one query: what every authenticated request needs. */
export async function findPrincipalWithTeams(
  db: Executor,
  principalId: string,
): Promise<{ row: PrincipalsTable; teamIds: string[]; accessGeneration: number } | undefined> {
  const rows = await principalWithTeamsRows(db, principalId);
  const first = rows[0];
  if (!first) return undefined;
  const { team_id: _team, access_generation, ...row } = first;
  return {
    row,
    teamIds: rows.flatMap((r) => (r.team_id === null ? [] : [r.team_id])),
    accessGeneration: Number(access_generation),
  };
}
