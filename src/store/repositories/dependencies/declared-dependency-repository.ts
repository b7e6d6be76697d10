import type { ModelVersionDependenciesTable } from '../../schema-dependencies.js';
import type { Executor } from '../../store.js';

export async function findDeclared(
  db: Executor,
  modelId: string,
  version: number,
): Promise<ModelVersionDependenciesTable | undefined> {
  return db
    .selectFrom('model_version_dependencies')
    .selectAll()
    .where('model_id', '=', modelId)
    .where('version', '=', version)
    .executeTakeFirst();
}

export async function saveDeclared(db: Executor, row: ModelVersionDependenciesTable): Promise<void> {
  await db
    .insertInto('model_version_dependencies')
    .values(row)
    .onConflict((oc) =>
      oc.columns(['model_id', 'version']).doUpdateSet({
        document: row.document,
        origin: row.origin,
        updated_time: row.updated_time,
      }),
    )
    .execute();
}

/** Deployments that are running or about to (ACTIVE, PENDING) on any of these targets. */
export async function listLiveDeployments(
  db: Executor,
  targetIds: readonly string[],
): Promise<{ target_id: string; deployment_id: string; model_version_node: string }[]> {
  if (targetIds.length === 0) return [];
  return db
    .selectFrom('lineage_deployments')
    .select(['target_id', 'deployment_id', 'model_version_node'])
    .where('target_id', 'in', [...targetIds])
    .where('status', 'in', ['ACTIVE', 'PENDING'])
    .orderBy('deployment_id')
    .execute();
}

/** The declarations of every version of these registered models, with the model's name. */
export async function listDeclaredOfModels(
  db: Executor,
  modelIds: readonly string[],
): Promise<(ModelVersionDependenciesTable & { model_name: string })[]> {
  if (modelIds.length === 0) return [];
  const rows: (ModelVersionDependenciesTable & { model_name: string })[] = [];
  const unique = [...new Set(modelIds)];
  // Chunked so the parameter list stays within what SQLite and PostgreSQL accept in one statement.
  for (let i = 0; i < unique.length; i += 500) {
    rows.push(
      ...(await db
        .selectFrom('model_version_dependencies as m')
        .innerJoin('registered_models as r', 'r.model_id', 'm.model_id')
        .selectAll('m')
        .select('r.name as model_name')
        .where('m.model_id', 'in', unique.slice(i, i + 500))
        .execute()),
    );
  }
  return rows;
}
