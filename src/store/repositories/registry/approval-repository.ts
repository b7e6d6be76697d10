import type {
  ProtectionRulesTable,
  TransitionRequestActivityTable,
  TransitionRequestStatus,
  TransitionRequestsTable,
} from '../../schema-approvals.js';
import type { Executor } from '../../store.js';

export async function findProtectionRow(db: Executor, modelId: string): Promise<ProtectionRulesTable | undefined> {
  return db.selectFrom('protection_rules').selectAll().where('model_id', '=', modelId).executeTakeFirst();
}

/** Stores a model's rule; returns the times it holds (creation kept from an earlier rule). */
export async function upsertProtectionRow(db: Executor, row: ProtectionRulesTable): Promise<ProtectionRulesTable> {
  const existing = await findProtectionRow(db, row.model_id);
  if (existing) {
    const { model_id, creation_time: _kept, ...changes } = row;
    await db.updateTable('protection_rules').set(changes).where('model_id', '=', model_id).execute();
    return { ...row, creation_time: Number(existing.creation_time) };
  }
  await db.insertInto('protection_rules').values(row).execute();
  return row;
}

export async function deleteProtectionRow(db: Executor, modelId: string): Promise<boolean> {
  const result = await db.deleteFrom('protection_rules').where('model_id', '=', modelId).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export async function insertRequestRow(db: Executor, row: TransitionRequestsTable): Promise<void> {
  await db.insertInto('transition_requests').values(row).execute();
}

export async function findRequestRow(db: Executor, requestId: string): Promise<TransitionRequestsTable | undefined> {
  return db.selectFrom('transition_requests').selectAll().where('request_id', '=', requestId).executeTakeFirst();
}

export async function updateRequestRow(
  db: Executor,
  requestId: string,
  changes: Partial<Omit<TransitionRequestsTable, 'request_id'>>,
): Promise<void> {
  await db.updateTable('transition_requests').set(changes).where('request_id', '=', requestId).execute();
}

export interface RequestFilter {
  modelId?: string | undefined;
  version?: number | undefined;
  status?: TransitionRequestStatus | undefined;
  target?: { kind: 'stage' | 'alias'; name: string } | undefined;
  requester?: string | undefined;
}

/** Requests matching a filter, newest first. */
export async function listRequestRows(
  db: Executor,
  filter: RequestFilter,
  limit: number,
): Promise<TransitionRequestsTable[]> {
  let query = db.selectFrom('transition_requests').selectAll();
  if (filter.modelId !== undefined) query = query.where('model_id', '=', filter.modelId);
  if (filter.version !== undefined) query = query.where('version', '=', filter.version);
  if (filter.status !== undefined) query = query.where('status', '=', filter.status);
  if (filter.requester !== undefined) query = query.where('requester', '=', filter.requester);
  if (filter.target !== undefined) {
    query = query.where('target_kind', '=', filter.target.kind).where('target', '=', filter.target.name);
  }
  return query.orderBy('creation_time', 'desc').orderBy('request_id', 'desc').limit(limit).execute();
}

/** Pending requests whose time ran out. */
export async function overdueRequestRows(db: Executor, now: number): Promise<TransitionRequestsTable[]> {
  return db
    .selectFrom('transition_requests')
    .selectAll()
    .where('status', '=', 'pending')
    .where('expiry_time', '<=', now)
    .orderBy('expiry_time')
    .execute();
}

export async function insertActivityRow(db: Executor, row: TransitionRequestActivityTable): Promise<void> {
  await db.insertInto('transition_request_activity').values(row).execute();
}

export async function activityRows(
  db: Executor,
  requestIds: readonly string[],
): Promise<TransitionRequestActivityTable[]> {
  if (requestIds.length === 0) return [];
  return db
    .selectFrom('transition_request_activity')
    .selectAll()
    .where('request_id', 'in', [...requestIds])
    .orderBy('activity_time')
    .orderBy('activity_id')
    .execute();
}

/** Who registered a version and who ran its source run (null without a run, or when the run is gone). */
export async function versionAuthorship(
  db: Executor,
  modelId: string,
  version: number,
): Promise<{ author: string; runUser: string | null } | undefined> {
  const row = await db
    .selectFrom('model_versions')
    .leftJoin('runs', 'runs.run_id', 'model_versions.run_id')
    .select(['model_versions.user_id as author', 'runs.user_id as run_user'])
    .where('model_versions.model_id', '=', modelId)
    .where('model_versions.version', '=', version)
    .executeTakeFirst();
  return row ? { author: row.author, runUser: row.run_user ?? null } : undefined;
}

/** Names of the teams with these ids. */
export async function teamNames(db: Executor, teamIds: readonly string[]): Promise<string[]> {
  if (teamIds.length === 0) return [];
  const rows = await db
    .selectFrom('teams')
    .select('name')
    .where('team_id', 'in', [...teamIds])
    .execute();
  return rows.map((row) => row.name).sort();
}

/** Which of these team names exist. */
export async function existingTeamNames(db: Executor, names: readonly string[]): Promise<Set<string>> {
  if (names.length === 0) return new Set();
  const rows = await db
    .selectFrom('teams')
    .select('name')
    .where('name', 'in', [...names])
    .execute();
  return new Set(rows.map((row) => row.name));
}

/** Ids of the members of the named teams: who a request awaits. */
export async function memberIdsOfTeams(db: Executor, names: readonly string[]): Promise<string[]> {
  if (names.length === 0) return [];
  const rows = await db
    .selectFrom('team_members')
    .innerJoin('teams', 'teams.team_id', 'team_members.team_id')
    .select('team_members.principal_id')
    .where('teams.name', 'in', [...names])
    .execute();
  return [...new Set(rows.map((row) => row.principal_id))];
}

/** The id of a principal named so, for notifying a requester. */
export async function principalIdNamed(db: Executor, name: string): Promise<string | undefined> {
  const row = await db.selectFrom('principals').select('principal_id').where('name', '=', name).executeTakeFirst();
  return row?.principal_id;
}

/** Every request of the given versions of one model, of any status, in one read. */
export async function requestRowsOfVersions(
  db: Executor,
  modelId: string,
  versions: readonly number[],
): Promise<TransitionRequestsTable[]> {
  if (versions.length === 0) return [];
  return db
    .selectFrom('transition_requests')
    .selectAll()
    .where('model_id', '=', modelId)
    .where('version', 'in', [...versions])
    .execute();
}
