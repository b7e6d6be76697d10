import { sql } from 'kysely';
import type { BindingResourceKind, RestrictableKind } from '../../../domain/access/access-types.js';
import type { RoleBindingsTable } from '../../schema-access.js';
import type { Executor } from '../../store.js';

export async function upsertRoleBinding(db: Executor, row: RoleBindingsTable): Promise<void> {
  await db
    .insertInto('role_bindings')
    .values(row)
    .onConflict((oc) =>
      oc.columns(['subject_kind', 'subject_id', 'resource_kind', 'resource_id']).doUpdateSet({ role: row.role }),
    )
    .execute();
}

export async function deleteRoleBinding(
  db: Executor,
  key: Pick<RoleBindingsTable, 'subject_kind' | 'subject_id' | 'resource_kind' | 'resource_id'>,
): Promise<number> {
  const result = await db
    .deleteFrom('role_bindings')
    .where('subject_kind', '=', key.subject_kind)
    .where('subject_id', '=', key.subject_id)
    .where('resource_kind', '=', key.resource_kind)
    .where('resource_id', '=', key.resource_id)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/**
 * The bindings of a principal and its teams on one resource and globally: one indexed query per request.
 */
export async function bindingsFor(
  db: Executor,
  principalId: string,
  teamIds: readonly string[],
  resourceKind: BindingResourceKind,
  resourceId: string,
): Promise<Pick<RoleBindingsTable, 'resource_kind' | 'role'>[]> {
  return db
    .selectFrom('role_bindings')
    .select(['resource_kind', 'role'])
    .where((eb) =>
      eb.or([
        eb.and([eb('resource_kind', '=', resourceKind), eb('resource_id', '=', resourceId)]),
        eb('resource_kind', '=', 'global'),
      ]),
    )
    .where((eb) =>
      eb.or([
        eb.and([eb('subject_kind', '=', 'user'), eb('subject_id', '=', principalId)]),
        ...(teamIds.length > 0 ? [eb.and([eb('subject_kind', '=', 'team'), eb('subject_id', 'in', teamIds)])] : []),
      ]),
    )
    .execute();
}

/**
 * The bindings of a principal and its teams on one resource and globally, and whether the resource is restricted,
 * in one query (one round trip per checked request on PostgreSQL): the restriction comes back as a row of kind
 * `restricted`.
 */
export async function bindingsAndRestriction(
  db: Executor,
  principalId: string,
  teamIds: readonly string[],
  resourceKind: 'experiment' | 'model' | 'dataset',
  resourceId: string,
): Promise<{ bindings: Pick<RoleBindingsTable, 'resource_kind' | 'role'>[]; restricted: boolean }> {
  const rows = await db
    .selectFrom('role_bindings')
    .select([sql<string>`role_bindings.resource_kind`.as('resource_kind'), sql<string>`role_bindings.role`.as('role')])
    .where((eb) =>
      eb.or([
        eb.and([eb('resource_kind', '=', resourceKind), eb('resource_id', '=', resourceId)]),
        eb('resource_kind', '=', 'global'),
      ]),
    )
    .where((eb) =>
      eb.or([
        eb.and([eb('subject_kind', '=', 'user'), eb('subject_id', '=', principalId)]),
        ...(teamIds.length > 0 ? [eb.and([eb('subject_kind', '=', 'team'), eb('subject_id', 'in', teamIds)])] : []),
      ]),
    )
    .unionAll(
      db
        .selectFrom('restricted_resources')
        .select([sql<string>`'restricted'`.as('resource_kind'), sql<string>`'reader'`.as('role')])
        .where('resource_kind', '=', resourceKind)
        .where('resource_id', '=', resourceId),
    )
    .execute();
  return {
    bindings: rows.filter((row) => row.resource_kind !== 'restricted') as Pick<
      RoleBindingsTable,
      'resource_kind' | 'role'
    >[],
    restricted: rows.some((row) => row.resource_kind === 'restricted'),
  };
}

/** Every binding of a principal and its teams, for working out what a list may show. */
export async function allBindingsOf(
  db: Executor,
  principalId: string,
  teamIds: readonly string[],
): Promise<Pick<RoleBindingsTable, 'resource_kind' | 'resource_id' | 'role'>[]> {
  return db
    .selectFrom('role_bindings')
    .select(['resource_kind', 'resource_id', 'role'])
    .where((eb) =>
      eb.or([
        eb.and([eb('subject_kind', '=', 'user'), eb('subject_id', '=', principalId)]),
        ...(teamIds.length > 0 ? [eb.and([eb('subject_kind', '=', 'team'), eb('subject_id', 'in', teamIds)])] : []),
      ]),
    )
    .execute();
}

export async function listRoleBindings(db: Executor): Promise<RoleBindingsTable[]> {
  return db
    .selectFrom('role_bindings')
    .selectAll()
    .orderBy('resource_kind')
    .orderBy('resource_id')
    .orderBy('subject_kind')
    .orderBy('subject_id')
    .execute();
}

export async function restrictedIds(db: Executor, kind: RestrictableKind): Promise<string[]> {
  const rows = await db
    .selectFrom('restricted_resources')
    .select('resource_id')
    .where('resource_kind', '=', kind)
    .execute();
  return rows.map((row) => row.resource_id);
}

export async function setRestricted(
  db: Executor,
  kind: RestrictableKind,
  id: string,
  restricted: boolean,
  at: number,
): Promise<void> {
  if (restricted) {
    await db
      .insertInto('restricted_resources')
      .values({ resource_kind: kind, resource_id: id, created_time: at })
      .onConflict((oc) => oc.columns(['resource_kind', 'resource_id']).doNothing())
      .execute();
  } else {
    await db
      .deleteFrom('restricted_resources')
      .where('resource_kind', '=', kind)
      .where('resource_id', '=', id)
      .execute();
  }
}
