import { dialectOf } from '../../dialect/dialect-of.js';
import type { Executor } from '../../store.js';

/** Tables holding a run's own values, emptied before the run row itself. */
const RUN_VALUE_TABLES = [
  'run_params',
  'run_tags',
  'metrics',
  'metric_chunks',
  'metric_blocks',
  'latest_metrics',
  'run_inputs',
  'run_completeness',
  'artifacts',
] as const;

/**
 * The run's row, locked until the transaction ends on PostgreSQL (SQLite serialises writers anyway), so a server
 * writing to the run waits for the purge and then finds it gone rather than half removed.
 */
export function lockRun(db: Executor, runId: string) {
  const query = db
    .selectFrom('runs')
    .select(['run_id', 'experiment_id', 'lifecycle_stage', 'deleted_time', 'artifact_uri'])
    .where('run_id', '=', runId);
  return dialectOf(db).forUpdate(query).executeTakeFirst();
}

export function lockExperiment(db: Executor, experimentId: string) {
  const query = db
    .selectFrom('experiments')
    .select(['experiment_id', 'lifecycle_stage', 'last_update_time', 'artifact_location'])
    .where('experiment_id', '=', experimentId);
  return dialectOf(db).forUpdate(query).executeTakeFirst();
}

export function lockVersion(db: Executor, modelId: string, version: number) {
  const query = db
    .selectFrom('model_versions')
    .select(['model_id', 'version', 'deleted_time'])
    .where('model_id', '=', modelId)
    .where('version', '=', version);
  return dialectOf(db).forUpdate(query).executeTakeFirst();
}

/** Removes a run with every value it holds. Lineage and logged models that name it are left as recorded. */
export async function deleteRunRows(db: Executor, runId: string): Promise<void> {
  for (const table of RUN_VALUE_TABLES) await db.deleteFrom(table).where('run_id', '=', runId).execute();
  await db.deleteFrom('runs').where('run_id', '=', runId).execute();
}

/** How many runs an experiment still holds. */
export async function runCount(db: Executor, experimentId: string): Promise<number> {
  const row = await db
    .selectFrom('runs')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('experiment_id', '=', experimentId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Removes an experiment that holds no runs any more, with its tags and the dataset records its runs used. */
export async function deleteExperimentRows(db: Executor, experimentId: string): Promise<void> {
  await db.deleteFrom('experiment_tags').where('experiment_id', '=', experimentId).execute();
  await db.deleteFrom('datasets').where('experiment_id', '=', experimentId).execute();
  await db.deleteFrom('experiments').where('experiment_id', '=', experimentId).execute();
}

/**
 * Removes a model version's row with its tags, stage history, evaluations and checks, its declared dependencies
 * and the revalidation flags raised on it (records of that version alone). Its number stays taken (the model's
 * last_version). Deleting the version removed its aliases already (with their events). Returns which of its
 * audited records went, for the purge event to name.
 */
export async function deleteVersionRows(
  db: Executor,
  modelId: string,
  version: number,
): Promise<{ declaredDependencies: boolean; revalidationFlags: string[] }> {
  for (const table of [
    'model_version_tags',
    'model_version_transitions',
    'model_version_evaluations',
    'model_version_checks',
  ] as const) {
    await db.deleteFrom(table).where('model_id', '=', modelId).where('version', '=', version).execute();
  }
  const flags = await db
    .selectFrom('model_version_revalidations')
    .select('flag_id')
    .where('model_id', '=', modelId)
    .where('version', '=', version)
    .orderBy('flag_id')
    .execute();
  await db
    .deleteFrom('model_version_revalidations')
    .where('model_id', '=', modelId)
    .where('version', '=', version)
    .execute();
  // The index by package is derived from the declarations and goes with them.
  await db
    .deleteFrom('model_version_requirements')
    .where('model_id', '=', modelId)
    .where('version', '=', version)
    .execute();
  const declared = await db
    .deleteFrom('model_version_dependencies')
    .where('model_id', '=', modelId)
    .where('version', '=', version)
    .executeTakeFirst();
  await db.deleteFrom('model_versions').where('model_id', '=', modelId).where('version', '=', version).execute();
  return {
    declaredDependencies: Number(declared.numDeletedRows) > 0,
    revalidationFlags: flags.map((flag) => flag.flag_id),
  };
}
