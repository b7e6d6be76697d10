import type { ReadableSet } from '../../../domain/access/readable-set.js';
import type { MilestonesTable } from '../../schema-collaboration.js';
import type { Executor } from '../../store.js';

export async function insertMilestone(db: Executor, row: MilestonesTable): Promise<void> {
  await db.insertInto('milestones').values(row).execute();
}

export async function milestonesOf(db: Executor, scope: { kind: string; id: string }): Promise<MilestonesTable[]> {
  return db
    .selectFrom('milestones')
    .selectAll()
    .where('scope_kind', '=', scope.kind)
    .where('scope_id', '=', scope.id)
    .orderBy('due_time', 'asc')
    .orderBy('milestone_id', 'asc')
    .execute();
}

export async function findMilestone(db: Executor, milestoneId: string): Promise<MilestonesTable | undefined> {
  return db.selectFrom('milestones').selectAll().where('milestone_id', '=', milestoneId).executeTakeFirst();
}

export async function deleteMilestone(db: Executor, milestoneId: string): Promise<void> {
  await db.deleteFrom('milestones').where('milestone_id', '=', milestoneId).execute();
}

/** Each active run's latest value of `key` among an experiment's runs. */
export async function experimentRunValues(
  db: Executor,
  experimentId: string,
  key: string,
): Promise<{ runId: string; value: number }[]> {
  const rows = await db
    .selectFrom('latest_metrics as m')
    .innerJoin('runs as r', 'r.run_id', 'm.run_id')
    .select(['m.run_id', 'm.value'])
    .where('r.experiment_id', '=', experimentId)
    .where('r.lifecycle_stage', '=', 'active')
    .where('m.key', '=', key)
    .where('m.is_nan', '=', 0)
    .execute();
  return rows.map((r) => ({ runId: r.run_id, value: Number(r.value) }));
}

/**
 * Each active run that produced a live version of a registered model, with its latest value of `key` — only runs of
 * experiments in `readable`, so a milestone never shows a value its reader could not open.
 */
export async function modelRunValues(
  db: Executor,
  modelId: string,
  key: string,
  readable: ReadableSet,
): Promise<{ runId: string; value: number }[]> {
  if (readable.kind === 'only' && readable.ids.length === 0) return [];
  const rows = await db
    .selectFrom('latest_metrics as m')
    .innerJoin('runs as r', 'r.run_id', 'm.run_id')
    .select(['m.run_id', 'm.value'])
    .distinct()
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('model_versions as v')
          .select('v.version')
          .whereRef('v.run_id', '=', 'm.run_id')
          .where('v.model_id', '=', modelId)
          .where('v.deleted_time', 'is', null),
      ),
    )
    .where('r.lifecycle_stage', '=', 'active')
    .where('m.key', '=', key)
    .where('m.is_nan', '=', 0)
    .$if(readable.kind === 'only', (q) => q.where('r.experiment_id', 'in', (readable as { ids: string[] }).ids))
    .$if(readable.kind === 'allExcept' && readable.ids.length > 0, (q) =>
      q.where('r.experiment_id', 'not in', (readable as { ids: string[] }).ids),
    )
    .execute();
  return rows.map((r) => ({ runId: r.run_id, value: Number(r.value) }));
}
