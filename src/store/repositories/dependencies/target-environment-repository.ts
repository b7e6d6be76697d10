import type { TargetEnvironmentVersionsTable } from '../../schema-dependencies.js';
import type { Executor } from '../../store.js';

export async function latestTargetEnvironment(
  db: Executor,
  targetId: string,
): Promise<TargetEnvironmentVersionsTable | undefined> {
  return db
    .selectFrom('target_environment_versions')
    .selectAll()
    .where('target_id', '=', targetId)
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/** The version in force at `time`: the last one set at or before it. */
export async function targetEnvironmentAt(
  db: Executor,
  targetId: string,
  time: number,
): Promise<TargetEnvironmentVersionsTable | undefined> {
  return db
    .selectFrom('target_environment_versions')
    .selectAll()
    .where('target_id', '=', targetId)
    .where('set_time', '<=', time)
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirst();
}

export async function listTargetEnvironments(
  db: Executor,
  targetId: string,
): Promise<TargetEnvironmentVersionsTable[]> {
  return db
    .selectFrom('target_environment_versions')
    .selectAll()
    .where('target_id', '=', targetId)
    .orderBy('version')
    .execute();
}

export async function insertTargetEnvironment(db: Executor, row: TargetEnvironmentVersionsTable): Promise<void> {
  await db.insertInto('target_environment_versions').values(row).execute();
}

export async function setTargetEnvironmentId(db: Executor, targetId: string, environmentId: string): Promise<void> {
  await db
    .updateTable('lineage_deployment_targets')
    .set({ environment_id: environmentId })
    .where('target_id', '=', targetId)
    .execute();
}

/** Every deployment target with its current environment document (null when none is set). */
export async function listTargetsWithEnvironments(
  db: Executor,
): Promise<{ target_id: string; name: string; environment_id: string | null; document: string | null }[]> {
  return db
    .selectFrom('lineage_deployment_targets as t')
    .leftJoin('lineage_environments as e', 'e.environment_id', 't.environment_id')
    .select(['t.target_id', 't.name', 't.environment_id', 'e.document'])
    .orderBy('t.name')
    .execute();
}

/** The package maps of every stored environment: the versions Mnemo has seen, for the resolver. */
export async function listEnvironmentDocuments(db: Executor): Promise<string[]> {
  const rows = await db.selectFrom('lineage_environments').select('document').execute();
  return rows.map((r) => r.document);
}
