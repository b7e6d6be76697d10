import type { IndexedRequirement } from '../../../domain/dependencies/indexed-requirement.js';
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

/**
 * Stores a version's declarations with their index by package (what `requirements` derives from the same document):
 * both are written here together, in the caller's transaction, so the index cannot lag behind the document.
 */
export async function saveDeclared(
  db: Executor,
  row: ModelVersionDependenciesTable,
  requirements: readonly IndexedRequirement[],
): Promise<void> {
  await db
    .deleteFrom('model_version_requirements')
    .where('model_id', '=', row.model_id)
    .where('version', '=', row.version)
    .execute();
  // A version declares a handful of packages; one statement holds them all well within the parameter limits.
  if (requirements.length > 0) {
    await db
      .insertInto('model_version_requirements')
      .values(requirements.map((r) => ({ model_id: row.model_id, version: row.version, ...r })))
      .execute();
  }
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

/** The distinct specifiers versions declare for a package or runtime without an environment marker. */
export async function listUnconditionalSpecifiers(db: Executor, kind: string, name: string): Promise<string[]> {
  const rows = await db
    .selectFrom('model_version_requirements')
    .select('specifier')
    .distinct()
    .where('kind', '=', kind)
    .where('name', '=', name)
    .where('marker', 'is', null)
    .execute();
  return rows.map((r) => r.specifier);
}

/**
 * The unconditional declarations of a package or runtime with one of these specifiers, made by any version of these
 * models: where each stands among its version's declarations, and what it specifies.
 */
export async function listUnconditionalRequirements(
  db: Executor,
  modelIds: readonly string[],
  requirement: { kind: string; name: string; specifiers: readonly string[] },
): Promise<{ model_id: string; version: number; position: number; specifier: string }[]> {
  const unique = [...new Set(modelIds)];
  const specifiers = [...new Set(requirement.specifiers)];
  const rows: { model_id: string; version: number; position: number; specifier: string }[] = [];
  // Chunked so the parameter list stays within what SQLite and PostgreSQL accept in one statement.
  for (let i = 0; i < unique.length; i += 500) {
    for (let j = 0; j < specifiers.length; j += 500) {
      const found = await db
        .selectFrom('model_version_requirements')
        .select(['model_id', 'version', 'position', 'specifier'])
        .where('kind', '=', requirement.kind)
        .where('name', '=', requirement.name)
        .where('marker', 'is', null)
        .where('specifier', 'in', specifiers.slice(j, j + 500))
        .where('model_id', 'in', unique.slice(i, i + 500))
        .execute();
      for (const row of found) rows.push({ ...row, version: Number(row.version), position: Number(row.position) });
    }
  }
  return rows;
}

/** The names of these registered models, by id. */
export async function modelNames(db: Executor, modelIds: readonly string[]): Promise<Map<string, string>> {
  const unique = [...new Set(modelIds)];
  const names = new Map<string, string>();
  for (let i = 0; i < unique.length; i += 500) {
    const rows = await db
      .selectFrom('registered_models')
      .select(['model_id', 'name'])
      .where('model_id', 'in', unique.slice(i, i + 500))
      .execute();
    for (const row of rows) names.set(row.model_id, row.name);
  }
  return names;
}

/**
 * The declarations of every live (not deleted) model version, with the model's name and the version's stage,
 * optionally only those in one stage or holding one alias.
 */
export async function listDeclaredVersions(
  db: Executor,
  filter: {
    stage?: string;
    alias?: string;
    /** Only versions declaring this package, found through the index by package rather than every document. */
    declaring?: { kind: 'pypi' | 'npm'; name: string };
  },
): Promise<{ model_id: string; model_name: string; version: number; stage: string; document: string }[]> {
  let query = db
    .selectFrom('model_version_dependencies as d')
    .innerJoin('model_versions as v', (j) =>
      j.onRef('v.model_id', '=', 'd.model_id').onRef('v.version', '=', 'd.version'),
    )
    .innerJoin('registered_models as r', 'r.model_id', 'd.model_id')
    .select(['d.model_id', 'r.name as model_name', 'd.version', 'v.stage', 'd.document'])
    .where('v.deleted_time', 'is', null);
  if (filter.stage !== undefined) query = query.where('v.stage', '=', filter.stage as never);
  if (filter.alias !== undefined) {
    const alias = filter.alias;
    query = query.where(({ exists, selectFrom }) =>
      exists(
        selectFrom('model_aliases as a')
          .select('a.alias')
          .whereRef('a.model_id', '=', 'd.model_id')
          .whereRef('a.version', '=', 'd.version')
          .where('a.alias', '=', alias),
      ),
    );
  }
  if (filter.declaring !== undefined) {
    const { kind, name } = filter.declaring;
    // The versions come from the index (an IN list the database reads by kind and name, then looks each version up
    // by key); a correlated EXISTS would scan the package's index entries once per declaration instead.
    query = query.where((eb) =>
      eb(
        eb.refTuple('d.model_id', 'd.version'),
        'in',
        eb
          .selectFrom('model_version_requirements as q')
          .select(['q.model_id', 'q.version'])
          .where('q.kind', '=', kind)
          .where('q.name', '=', name)
          .$asTuple('model_id', 'version'),
      ),
    );
  }
  return query.orderBy('r.name').orderBy('d.version').execute();
}

/** Live versions (not deleted) of these models in one stage or holding one alias, with the model's name. */
export async function listVersionsIn(
  db: Executor,
  modelIds: readonly string[],
  filter: { stage?: string; alias?: string },
): Promise<{ model_id: string; model_name: string; version: number; stage: string }[]> {
  const unique = [...new Set(modelIds)];
  const rows: { model_id: string; model_name: string; version: number; stage: string }[] = [];
  // Chunked so the parameter list stays within what SQLite and PostgreSQL accept in one statement.
  for (let i = 0; i < unique.length; i += 500) rows.push(...(await versionsIn(db, unique.slice(i, i + 500), filter)));
  return rows;
}

function versionsIn(db: Executor, modelIds: string[], filter: { stage?: string; alias?: string }) {
  let query = db
    .selectFrom('model_versions as v')
    .innerJoin('registered_models as r', 'r.model_id', 'v.model_id')
    .select(['v.model_id', 'r.name as model_name', 'v.version', 'v.stage'])
    .where('v.model_id', 'in', modelIds)
    .where('v.deleted_time', 'is', null);
  if (filter.stage !== undefined) query = query.where('v.stage', '=', filter.stage as never);
  if (filter.alias !== undefined) {
    const alias = filter.alias;
    query = query.where(({ exists, selectFrom }) =>
      exists(
        selectFrom('model_aliases as a')
          .select('a.alias')
          .whereRef('a.model_id', '=', 'v.model_id')
          .whereRef('a.version', '=', 'v.version')
          .where('a.alias', '=', alias),
      ),
    );
  }
  return query.execute();
}

/** The live versions registered from a run, with their declarations when they have any. */
export async function listVersionsOfRun(
  db: Executor,
  runId: string,
): Promise<{ model_id: string; version: number; document: string | null; origin: string | null }[]> {
  return db
    .selectFrom('model_versions as v')
    .leftJoin('model_version_dependencies as d', (j) =>
      j.onRef('d.model_id', '=', 'v.model_id').onRef('d.version', '=', 'v.version'),
    )
    .select(['v.model_id', 'v.version', 'd.document', 'd.origin'])
    .where('v.run_id', '=', runId)
    .where('v.deleted_time', 'is', null)
    .orderBy('v.model_id')
    .orderBy('v.version')
    .execute();
}
