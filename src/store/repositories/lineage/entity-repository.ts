import type {
  LineageCodeRefsTable,
  LineageDeploymentsTable,
  LineageDeploymentTargetsTable,
  LineageEnvironmentsTable,
  LineageFeaturesTable,
  LineageFeatureVersionsTable,
} from '../../schema-lineage.js';
import type { Executor } from '../../store.js';

/** Rows of the smaller node kinds: features, environments, code refs, deployment targets and deployments. */

export async function findFeatureByName(db: Executor, name: string): Promise<LineageFeaturesTable | undefined> {
  return db.selectFrom('lineage_features').selectAll().where('name', '=', name).executeTakeFirst();
}

export async function insertFeature(db: Executor, row: LineageFeaturesTable): Promise<void> {
  await db.insertInto('lineage_features').values(row).execute();
}

export async function findFeatureVersion(
  db: Executor,
  featureId: string,
  version: string,
): Promise<LineageFeatureVersionsTable | undefined> {
  return db
    .selectFrom('lineage_feature_versions')
    .selectAll()
    .where('feature_id', '=', featureId)
    .where('version', '=', version)
    .executeTakeFirst();
}

export async function listFeatureVersions(db: Executor, featureId: string): Promise<LineageFeatureVersionsTable[]> {
  return db
    .selectFrom('lineage_feature_versions')
    .selectAll()
    .where('feature_id', '=', featureId)
    .orderBy('created_time')
    .execute();
}

/** The ids of a feature's versions, in no particular order. */
export async function featureVersionIds(db: Executor, featureId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('lineage_feature_versions')
    .select('feature_version_id')
    .where('feature_id', '=', featureId)
    .execute();
  return rows.map((r) => r.feature_version_id);
}

export async function insertFeatureVersion(db: Executor, row: LineageFeatureVersionsTable): Promise<void> {
  await db.insertInto('lineage_feature_versions').values(row).execute();
}

export async function findEnvironment(db: Executor, id: string): Promise<LineageEnvironmentsTable | undefined> {
  return db.selectFrom('lineage_environments').selectAll().where('environment_id', '=', id).executeTakeFirst();
}

export async function insertEnvironment(db: Executor, row: LineageEnvironmentsTable): Promise<void> {
  await db
    .insertInto('lineage_environments')
    .values(row)
    .onConflict((oc) => oc.column('environment_id').doNothing())
    .execute();
}

export async function findCodeRef(db: Executor, id: string): Promise<LineageCodeRefsTable | undefined> {
  return db.selectFrom('lineage_code_refs').selectAll().where('code_ref_id', '=', id).executeTakeFirst();
}

/** Stores a code ref unless the same one (same content, same id) is there already; returns whether it is new. */
export async function insertCodeRef(db: Executor, row: LineageCodeRefsTable): Promise<boolean> {
  const result = await db
    .insertInto('lineage_code_refs')
    .values(row)
    .onConflict((oc) => oc.column('code_ref_id').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

export async function findTarget(db: Executor, id: string): Promise<LineageDeploymentTargetsTable | undefined> {
  return db.selectFrom('lineage_deployment_targets').selectAll().where('target_id', '=', id).executeTakeFirst();
}

export async function findTargetByName(db: Executor, name: string): Promise<LineageDeploymentTargetsTable | undefined> {
  return db.selectFrom('lineage_deployment_targets').selectAll().where('name', '=', name).executeTakeFirst();
}

/** Targets with an environment set, by name: what a version can be checked against. At most `limit`. */
export async function listTargetsWithEnvironment(db: Executor, limit: number): Promise<{ name: string }[]> {
  return db
    .selectFrom('lineage_deployment_targets')
    .select('name')
    .where('environment_id', 'is not', null)
    .orderBy('name')
    .limit(limit)
    .execute();
}

export async function insertTarget(db: Executor, row: LineageDeploymentTargetsTable): Promise<void> {
  await db.insertInto('lineage_deployment_targets').values(row).execute();
}

export async function findDeployment(db: Executor, id: string): Promise<LineageDeploymentsTable | undefined> {
  return db.selectFrom('lineage_deployments').selectAll().where('deployment_id', '=', id).executeTakeFirst();
}

/** Deployments of these model versions (by node id), with the name of the target each went to. */
export async function listDeploymentsOf(
  db: Executor,
  modelVersionNodes: readonly string[],
): Promise<(LineageDeploymentsTable & { target_name: string })[]> {
  if (modelVersionNodes.length === 0) return [];
  return db
    .selectFrom('lineage_deployments as d')
    .innerJoin('lineage_deployment_targets as t', 't.target_id', 'd.target_id')
    .selectAll('d')
    .select('t.name as target_name')
    .where('d.model_version_node', 'in', [...modelVersionNodes])
    .orderBy('d.deployment_id')
    .execute();
}

export async function insertDeployment(db: Executor, row: LineageDeploymentsTable): Promise<void> {
  await db.insertInto('lineage_deployments').values(row).execute();
}

export async function updateDeploymentStatus(db: Executor, id: string, status: string, now: number): Promise<void> {
  await db
    .updateTable('lineage_deployments')
    .set({ status, updated_time: now })
    .where('deployment_id', '=', id)
    .execute();
}
