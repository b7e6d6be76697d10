import { LEGAL_HOLD_TAG } from '../../../domain/retention/legal-hold.js';
import type { Executor } from '../../store.js';

/** A deleted run as garbage collection weighs it. */
export interface DeletedRunRow {
  run_id: string;
  experiment_id: string;
  artifact_uri: string;
  deleted_time: number;
}

/** A deleted experiment; experiments keep no deletion time of their own, so it is their last update. */
export interface DeletedExperimentRow {
  experiment_id: string;
  name: string;
  artifact_location: string;
  deleted_time: number;
}

export interface DeletedVersionRow {
  model_id: string;
  name: string;
  version: number;
  run_id: string | null;
  deleted_time: number;
}

/** What narrows a collection to some runs and experiments (as `mlflow gc --run-ids/--experiment-ids`). */
export interface PurgeScope {
  runIds?: readonly string[] | undefined;
  experimentIds?: readonly string[] | undefined;
}

const scoped = (scope: PurgeScope): boolean => scope.runIds !== undefined || scope.experimentIds !== undefined;

/** Deleted runs, oldest deletion first: every one in scope, or those of the given ids and experiments. */
export async function deletedRuns(db: Executor, scope: PurgeScope): Promise<DeletedRunRow[]> {
  if (scoped(scope) && !scope.runIds?.length && !scope.experimentIds?.length) return [];
  const rows = await db
    .selectFrom('runs')
    .select(['run_id', 'experiment_id', 'artifact_uri', 'deleted_time', 'end_time', 'start_time'])
    .where('lifecycle_stage', '=', 'deleted')
    .$if(scoped(scope), (qb) =>
      qb.where((eb) =>
        eb.or([
          ...(scope.runIds?.length ? [eb('run_id', 'in', [...scope.runIds])] : []),
          ...(scope.experimentIds?.length ? [eb('experiment_id', 'in', [...scope.experimentIds])] : []),
        ]),
      ),
    )
    .orderBy('deleted_time')
    .orderBy('run_id')
    .execute();
  // Runs deleted before deletion times were kept count as deleted when they last changed.
  return rows.map((r) => ({
    run_id: r.run_id,
    experiment_id: r.experiment_id,
    artifact_uri: r.artifact_uri,
    deleted_time: Number(r.deleted_time ?? r.end_time ?? r.start_time),
  }));
}

export async function deletedExperiments(db: Executor, scope: PurgeScope): Promise<DeletedExperimentRow[]> {
  // Naming only runs leaves their experiments alone, as `mlflow gc --run-ids` does.
  if (scoped(scope) && !scope.experimentIds?.length) return [];
  const rows = await db
    .selectFrom('experiments')
    .select(['experiment_id', 'name', 'artifact_location', 'last_update_time'])
    .where('lifecycle_stage', '=', 'deleted')
    .$if(scope.experimentIds !== undefined, (qb) => qb.where('experiment_id', 'in', [...scope.experimentIds!]))
    .orderBy('last_update_time')
    .orderBy('experiment_id')
    .execute();
  return rows.map((r) => ({
    experiment_id: r.experiment_id,
    name: r.name,
    artifact_location: r.artifact_location,
    deleted_time: Number(r.last_update_time),
  }));
}

/** Deleted model versions (their rows stay until purged so numbers are never reused). */
export async function deletedVersions(db: Executor): Promise<DeletedVersionRow[]> {
  const rows = await db
    .selectFrom('model_versions')
    .innerJoin('registered_models', 'registered_models.model_id', 'model_versions.model_id')
    .select([
      'model_versions.model_id',
      'registered_models.name',
      'model_versions.version',
      'model_versions.run_id',
      'model_versions.deleted_time',
    ])
    .where('model_versions.deleted_time', 'is not', null)
    .orderBy('model_versions.deleted_time')
    .execute();
  return rows.map((r) => ({ ...r, version: Number(r.version), deleted_time: Number(r.deleted_time) }));
}

/** Where each kind keeps its tags: the three tables share the `key` column and differ in the id column. */
const TAG_TABLES = {
  run: { table: 'run_tags', id: 'run_id' },
  experiment: { table: 'experiment_tags', id: 'experiment_id' },
  registered_model: { table: 'registered_model_tags', id: 'model_id' },
} as const;

/** Which of these runs, experiments or registered models carry the legal hold tag. */
export async function heldEntities(
  db: Executor,
  kind: keyof typeof TAG_TABLES,
  ids: readonly string[],
): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  // Kysely cannot follow a table chosen at run time; the columns named exist in each of the three.
  const table = TAG_TABLES[kind].table as 'run_tags';
  const id = TAG_TABLES[kind].id as 'run_id';
  const rows = await db
    .selectFrom(table)
    .select(`${id} as id`)
    .where('key', '=', LEGAL_HOLD_TAG)
    .where(id, 'in', [...new Set(ids)])
    .execute();
  return new Set(rows.map((r) => r.id));
}

/**
 * Registered model versions, not deleted, that were made from a run: named as their run, or registered from a
 * logged model the run produced. Such a run is kept, as the version's files are the run's.
 */
export async function liveVersionsFromRun(db: Executor, runId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('model_versions')
    .innerJoin('registered_models', 'registered_models.model_id', 'model_versions.model_id')
    .select(['registered_models.name', 'model_versions.version'])
    .where('model_versions.deleted_time', 'is', null)
    .where((eb) =>
      eb.or([
        eb('model_versions.run_id', '=', runId),
        eb(
          'model_versions.logged_model_id',
          'in',
          eb.selectFrom('logged_models').select('model_id').where('source_run_id', '=', runId),
        ),
      ]),
    )
    .orderBy('registered_models.name')
    .orderBy('model_versions.version')
    .execute();
  return rows.map((r) => `'${r.name}' v${Number(r.version)}`);
}

/** How many logged models an experiment holds: their rows name it, so it cannot go before they do. */
export async function loggedModelCount(db: Executor, experimentId: string): Promise<number> {
  const row = await db
    .selectFrom('logged_models')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('experiment_id', '=', experimentId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
