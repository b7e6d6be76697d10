import type { Executor } from '../store.js';

/** Per experiment, over its live runs: how many, how many still running, and the latest start and end times. */
export function liveRunCounts(
  db: Executor,
  experimentIds: readonly string[],
): Promise<
  {
    experiment_id: string;
    run_count: number;
    running_count: number;
    last_start: number | null;
    last_end: number | null;
  }[]
> {
  return db
    .selectFrom('runs')
    .select((eb) => [
      'experiment_id',
      eb.fn.countAll<number>().as('run_count'),
      eb.fn.sum<number>(eb.case().when('status', '=', 'RUNNING').then(1).else(0).end()).as('running_count'),
      eb.fn.max<number | null>('start_time').as('last_start'),
      eb.fn.max<number | null>('end_time').as('last_end'),
    ])
    .where('experiment_id', 'in', [...experimentIds])
    .where('lifecycle_stage', '=', 'active')
    .groupBy('experiment_id')
    .execute();
}

/** Per experiment, the newest latest-metric timestamp of its live runs. */
export function latestLiveMetricTimes(
  db: Executor,
  experimentIds: readonly string[],
): Promise<{ experiment_id: string; last_metric: number | null }[]> {
  return db
    .selectFrom('latest_metrics')
    .innerJoin('runs', 'runs.run_id', 'latest_metrics.run_id')
    .select((eb) => ['runs.experiment_id', eb.fn.max<number | null>('latest_metrics.timestamp').as('last_metric')])
    .where('runs.experiment_id', 'in', [...experimentIds])
    .where('runs.lifecycle_stage', '=', 'active')
    .groupBy('runs.experiment_id')
    .execute();
}

/**
 * The datasets live runs of these experiments used: each name, digest and context once per experiment, in
 * (experiment, name, digest, context) order, at most `limit`.
 */
export async function datasetsUsedByLiveRuns(
  db: Executor,
  experimentIds: readonly string[],
  limit: number,
): Promise<{ experimentId: string; name: string; digest: string; context: string | null }[]> {
  const rows = await db
    .selectFrom('run_inputs as ri')
    .innerJoin('runs as r', 'r.run_id', 'ri.run_id')
    .innerJoin('datasets as d', 'd.dataset_id', 'ri.dataset_id')
    .select(['r.experiment_id', 'd.name', 'd.digest', 'ri.context'])
    .distinct()
    .where('r.experiment_id', 'in', [...experimentIds])
    .where('r.lifecycle_stage', '=', 'active')
    .orderBy('r.experiment_id')
    .orderBy('d.name')
    .orderBy('d.digest')
    .orderBy('ri.context')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ experimentId: r.experiment_id, name: r.name, digest: r.digest, context: r.context }));
}
