import type { RunStatus } from '../../domain/tracking/entities.js';
import type { MissingItem } from '../../domain/tracking/run-requirements.js';
import type { Executor } from '../store.js';

/**
 * Reads behind an experiment's dashboard. Each covers the experiment's live runs that started at or after `since`
 * (the oldest run the dashboard shows), so a long-lived experiment costs a bounded slice, not its whole history.
 */

export interface DashboardRunRow {
  runId: string;
  runName: string;
  userId: string;
  status: RunStatus;
  startTime: number;
}

/** The newest `limit` live runs, newest first. */
export async function newestLiveRuns(db: Executor, experimentId: string, limit: number): Promise<DashboardRunRow[]> {
  const rows = await db
    .selectFrom('runs')
    .select(['run_id', 'run_name', 'user_id', 'status', 'start_time'])
    .where('experiment_id', '=', experimentId)
    .where('lifecycle_stage', '=', 'active')
    .orderBy('start_time', 'desc')
    .orderBy('run_id', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    runId: r.run_id,
    runName: r.run_name,
    userId: r.user_id,
    status: r.status,
    startTime: Number(r.start_time),
  }));
}

/** The metric keys the most live runs logged, most first (ties by key). */
export async function mostLoggedMetricKeys(
  db: Executor,
  experimentId: string,
  since: number,
  limit: number,
): Promise<string[]> {
  const rows = await db
    .selectFrom('latest_metrics as m')
    .innerJoin('runs as r', 'r.run_id', 'm.run_id')
    .select((eb) => ['m.key', eb.fn.countAll<number>().as('runs')])
    .where('r.experiment_id', '=', experimentId)
    .where('r.lifecycle_stage', '=', 'active')
    .where('r.start_time', '>=', since)
    .groupBy('m.key')
    .orderBy('runs', 'desc')
    .orderBy('m.key', 'asc')
    .limit(limit)
    .execute();
  return rows.map((r) => r.key);
}

/** Each live run's latest value of each of these keys; NaN values are left out, they cannot be placed on a scale. */
export async function latestValues(
  db: Executor,
  experimentId: string,
  since: number,
  keys: readonly string[],
): Promise<{ runId: string; key: string; value: number }[]> {
  if (keys.length === 0) return [];
  const rows = await db
    .selectFrom('latest_metrics as m')
    .innerJoin('runs as r', 'r.run_id', 'm.run_id')
    .select(['m.run_id', 'm.key', 'm.value'])
    .where('r.experiment_id', '=', experimentId)
    .where('r.lifecycle_stage', '=', 'active')
    .where('r.start_time', '>=', since)
    .where('m.key', 'in', [...keys])
    .where('m.is_nan', '=', 0)
    .execute();
  return rows.map((r) => ({ runId: r.run_id, key: r.key, value: Number(r.value) }));
}

/** Completeness marks of live runs, as their requirements last judged them. */
export async function completenessMarks(
  db: Executor,
  experimentId: string,
  since: number,
): Promise<{ runId: string; complete: boolean; missing: MissingItem[] }[]> {
  const rows = await db
    .selectFrom('run_completeness as c')
    .innerJoin('runs as r', 'r.run_id', 'c.run_id')
    .select(['c.run_id', 'c.complete', 'c.missing'])
    .where('r.experiment_id', '=', experimentId)
    .where('r.lifecycle_stage', '=', 'active')
    .where('r.start_time', '>=', since)
    .execute();
  return rows.map((r) => ({
    runId: r.run_id,
    complete: Number(r.complete) === 1,
    missing: JSON.parse(r.missing) as MissingItem[],
  }));
}

/** Live runs whose value of `tagKey` is one of `values` (a failed data-quality result, say). */
export async function runsTagged(
  db: Executor,
  experimentId: string,
  since: number,
  tagKey: string,
  values: readonly string[],
): Promise<{ runId: string; value: string }[]> {
  const rows = await db
    .selectFrom('run_tags as t')
    .innerJoin('runs as r', 'r.run_id', 't.run_id')
    .select(['t.run_id', 't.value'])
    .where('r.experiment_id', '=', experimentId)
    .where('r.lifecycle_stage', '=', 'active')
    .where('r.start_time', '>=', since)
    .where('t.key', '=', tagKey)
    .where('t.value', 'in', [...values])
    .execute();
  return rows.map((r) => ({ runId: r.run_id, value: r.value }));
}

export interface FailedVersionCheckRow {
  checkId: string;
  modelId: string;
  modelName: string;
  version: number;
  runId: string;
  kind: string;
  name: string;
  value: number | null;
  threshold: number | null;
  slice: string | null;
  recordedTime: number;
}

/** Failed fairness and drift checks of live model versions produced by the experiment's live runs. */
export async function failedVersionChecks(
  db: Executor,
  experimentId: string,
  since: number,
): Promise<FailedVersionCheckRow[]> {
  const rows = await db
    .selectFrom('model_version_checks as c')
    .innerJoin('model_versions as v', (join) =>
      join.onRef('v.model_id', '=', 'c.model_id').onRef('v.version', '=', 'c.version'),
    )
    .innerJoin('registered_models as m', 'm.model_id', 'v.model_id')
    .innerJoin('runs as r', 'r.run_id', 'v.run_id')
    .select([
      'c.check_id',
      'c.model_id',
      'm.name',
      'c.version',
      'r.run_id',
      'c.kind',
      'c.name as check_name',
      'c.value',
      'c.threshold',
      'c.slice',
      'c.recorded_time',
    ])
    .where('r.experiment_id', '=', experimentId)
    .where('r.lifecycle_stage', '=', 'active')
    .where('r.start_time', '>=', since)
    .where('v.deleted_time', 'is', null)
    .where('c.passed', '=', 0)
    .orderBy('c.recorded_time', 'desc')
    .orderBy('c.check_id', 'asc')
    .execute();
  return rows.map((r) => ({
    checkId: r.check_id,
    modelId: r.model_id,
    modelName: r.name,
    version: Number(r.version),
    runId: r.run_id,
    kind: r.kind,
    name: r.check_name,
    value: r.value === null ? null : Number(r.value),
    threshold: r.threshold === null ? null : Number(r.threshold),
    slice: r.slice,
    recordedTime: Number(r.recorded_time),
  }));
}

/** A run's latest value of each metric it logged, NaN left out, at most `limit` keys in key order. */
export async function latestValuesOfRun(
  db: Executor,
  runId: string,
  limit: number,
): Promise<{ key: string; value: number }[]> {
  const rows = await db
    .selectFrom('latest_metrics')
    .select(['key', 'value'])
    .where('run_id', '=', runId)
    .where('is_nan', '=', 0)
    .orderBy('key', 'asc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ key: r.key, value: Number(r.value) }));
}

/**
 * The latest values of `key` of the newest `limit` live FINISHED runs of the experiment that started before the
 * given run (ties by run id, as the dashboard orders them): the window a finishing run is judged against.
 */
export async function finishedValuesBefore(
  db: Executor,
  experimentId: string,
  before: { runId: string; startTime: number },
  key: string,
  limit: number,
): Promise<{ runId: string; startTime: number; value: number }[]> {
  const rows = await db
    .selectFrom('latest_metrics as m')
    .innerJoin('runs as r', 'r.run_id', 'm.run_id')
    .select(['r.run_id', 'r.start_time', 'm.value'])
    .where('r.experiment_id', '=', experimentId)
    .where('r.lifecycle_stage', '=', 'active')
    .where('r.status', '=', 'FINISHED')
    .where('m.key', '=', key)
    .where('m.is_nan', '=', 0)
    .where((eb) =>
      eb.or([
        eb('r.start_time', '<', before.startTime),
        eb.and([eb('r.start_time', '=', before.startTime), eb('r.run_id', '<', before.runId)]),
      ]),
    )
    .orderBy('r.start_time', 'desc')
    .orderBy('r.run_id', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ runId: r.run_id, startTime: Number(r.start_time), value: Number(r.value) }));
}
