import type {
  ModelVersionDependenciesTable,
  ModelVersionRequirementsTable,
  TargetEnvironmentVersionsTable,
} from '../schema-dependencies.js';
import type { Executor } from '../store.js';

/** A version's declarations with its model's name (null when the model row is gone). */
export type DeclaredRow = ModelVersionDependenciesTable & { model_name: string | null };

/** Up to `limit` declaration rows after the given model version, in (model id, version) order. */
export function declaredAfter(
  db: Executor,
  after: { modelId: string; version: number },
  limit: number,
): Promise<DeclaredRow[]> {
  return db
    .selectFrom('model_version_dependencies as d')
    .leftJoin('registered_models as r', 'r.model_id', 'd.model_id')
    .selectAll('d')
    .select('r.name as model_name')
    .where((eb) =>
      eb.or([
        eb('d.model_id', '>', after.modelId),
        eb.and([eb('d.model_id', '=', after.modelId), eb('d.version', '>', after.version)]),
      ]),
    )
    .orderBy('d.model_id')
    .orderBy('d.version')
    .limit(limit)
    .execute();
}

/** Which of these model versions still have a declaration row. */
export async function declaredPresent(
  db: Executor,
  versions: readonly { modelId: string; version: number }[],
): Promise<{ model_id: string; version: number }[]> {
  if (versions.length === 0) return [];
  const rows = await db
    .selectFrom('model_version_dependencies')
    .select(['model_id', 'version'])
    .where('model_id', 'in', [...new Set(versions.map((v) => v.modelId))])
    .execute();
  const wanted = new Set(versions.map((v) => `${v.modelId}/${v.version}`));
  return rows.filter((row) => wanted.has(`${row.model_id}/${Number(row.version)}`));
}

/** Up to `limit` ids of targets with environment versions whose id sorts after `afterId`, in id order. */
export async function environmentTargetsAfter(db: Executor, afterId: string, limit: number): Promise<string[]> {
  const rows = await db
    .selectFrom('target_environment_versions')
    .select('target_id')
    .distinct()
    .where('target_id', '>', afterId)
    .orderBy('target_id')
    .limit(limit)
    .execute();
  return rows.map((row) => row.target_id);
}

/** Which of these targets have any environment version. */
export async function targetsWithEnvironmentVersions(db: Executor, targetIds: readonly string[]): Promise<Set<string>> {
  if (targetIds.length === 0) return new Set();
  const rows = await db
    .selectFrom('target_environment_versions')
    .select('target_id')
    .distinct()
    .where('target_id', 'in', [...targetIds])
    .execute();
  return new Set(rows.map((row) => row.target_id));
}

/**
 * Up to `limit` environment versions of these targets after the given one, in (target id, version) order: the
 * same order the targets' events are read in, so the two can be walked side by side.
 */
export function environmentVersionsAfter(
  db: Executor,
  targetIds: readonly string[],
  after: { targetId: string; version: number },
  limit: number,
): Promise<TargetEnvironmentVersionsTable[]> {
  return db
    .selectFrom('target_environment_versions')
    .selectAll()
    .where('target_id', 'in', [...targetIds])
    .where((eb) =>
      eb.or([
        eb('target_id', '>', after.targetId),
        eb.and([eb('target_id', '=', after.targetId), eb('version', '>', after.version)]),
      ]),
    )
    .orderBy('target_id')
    .orderBy('version')
    .limit(limit)
    .execute();
}

/** The names of these deployment targets, by id (targets whose row is gone are left out). */
export async function targetNamesOf(db: Executor, targetIds: readonly string[]): Promise<Map<string, string>> {
  if (targetIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('lineage_deployment_targets')
    .select(['target_id', 'name'])
    .where('target_id', 'in', [...targetIds])
    .execute();
  return new Map(rows.map((row) => [row.target_id, row.name]));
}

/** Below every version number an integer column can hold (on PostgreSQL, a 32-bit integer): where pages start. */
export const LOWEST_VERSION = -(2 ** 31);

/** The index-by-package rows of these model versions, in (model id, version, position) order. */
export async function indexedRequirementsOf(
  db: Executor,
  versions: readonly { modelId: string; version: number }[],
): Promise<ModelVersionRequirementsTable[]> {
  if (versions.length === 0) return [];
  const rows = await db
    .selectFrom('model_version_requirements')
    .selectAll()
    .where('model_id', 'in', [...new Set(versions.map((v) => v.modelId))])
    .orderBy('model_id')
    .orderBy('version')
    .orderBy('position')
    .execute();
  const wanted = new Set(versions.map((v) => `${v.modelId}/${v.version}`));
  return rows.filter((row) => wanted.has(`${row.model_id}/${Number(row.version)}`));
}

/** Up to `limit` model versions that have index-by-package rows but no declaration, in (model id, version) order. */
export async function indexedWithoutDeclaration(
  db: Executor,
  limit: number,
): Promise<{ model_id: string; version: number; model_name: string | null }[]> {
  return db
    .selectFrom('model_version_requirements as q')
    .leftJoin('model_version_dependencies as d', (join) =>
      join.onRef('d.model_id', '=', 'q.model_id').onRef('d.version', '=', 'q.version'),
    )
    .leftJoin('registered_models as r', 'r.model_id', 'q.model_id')
    .select(['q.model_id', 'q.version', 'r.name as model_name'])
    .distinct()
    .where('d.model_id', 'is', null)
    .orderBy('q.model_id')
    .orderBy('q.version')
    .limit(limit)
    .execute();
}
