import { sql } from 'kysely';
import type { OwnersTable } from '../../schema-collaboration.js';
import type { Executor } from '../../store.js';

/** An owners row with the names of its user and team, as lists and pages show them. */
export interface NamedOwnersRow extends OwnersTable {
  owner_user_name: string | null;
  owner_team_name: string | null;
}

export async function findOwners(db: Executor, ownerKey: string): Promise<OwnersTable | undefined> {
  return db.selectFrom('owners').selectAll().where('owner_key', '=', ownerKey).executeTakeFirst();
}

export async function upsertOwners(db: Executor, row: OwnersTable): Promise<void> {
  await db
    .insertInto('owners')
    .values(row)
    .onConflict((oc) =>
      oc.column('owner_key').doUpdateSet({
        owner_user_id: row.owner_user_id,
        owner_team_id: row.owner_team_id,
        updated_by: row.updated_by,
        updated_time: row.updated_time,
      }),
    )
    .execute();
}

export async function deleteOwners(db: Executor, ownerKey: string): Promise<void> {
  await db.deleteFrom('owners').where('owner_key', '=', ownerKey).execute();
}

/** The owners of several entities of one kind, with names; entities nobody owns are absent. */
export async function namedOwnersOf(
  db: Executor,
  entityKind: string,
  entityIds: readonly string[],
): Promise<NamedOwnersRow[]> {
  if (entityIds.length === 0) return [];
  return db
    .selectFrom('owners')
    .leftJoin('principals', 'principals.principal_id', 'owners.owner_user_id')
    .leftJoin('teams', 'teams.team_id', 'owners.owner_team_id')
    .selectAll('owners')
    .select(['principals.name as owner_user_name', 'teams.name as owner_team_name'])
    .where('owners.entity_kind', '=', entityKind)
    .where('owners.entity_id', 'in', [...entityIds])
    .execute();
}

/** Ids of the entities of one kind owned by a user and/or a team (both when both are given). */
export async function entitiesOwnedBy(
  db: Executor,
  entityKind: string,
  owner: { userId?: string; teamId?: string },
): Promise<string[]> {
  const rows = await db
    .selectFrom('owners')
    .select('entity_id')
    .where('entity_kind', '=', entityKind)
    .$if(owner.userId !== undefined, (q) => q.where('owner_user_id', '=', owner.userId!))
    .$if(owner.teamId !== undefined, (q) => q.where('owner_team_id', '=', owner.teamId!))
    .execute();
  return rows.map((row) => row.entity_id);
}

/**
 * Active users whose name starts with `prefix` (any case), by name, at most `limit`: what a mention box suggests.
 * `substr` and `lower` read the same on both databases, unlike `like`, whose case rules differ.
 */
export async function activeUsersStartingWith(
  db: Executor,
  prefix: string,
  limit: number,
): Promise<{ name: string; display_name: string | null }[]> {
  return db
    .selectFrom('principals')
    .select(['name', 'display_name'])
    .where('kind', '=', 'user')
    .where('active', '=', 1)
    .where(sql`lower(substr(name, 1, ${prefix.length}))`, '=', prefix.toLowerCase())
    .orderBy('name')
    .limit(limit)
    .execute();
}
