import type { RunStatus } from '../../../domain/tracking/entities.js';
import type { LineageOpenLineageEventsTable, LineageOpenLineageRunsTable } from '../../schema-lineage.js';
import type { Executor } from '../../store.js';

export async function findOpenLineageRun(
  db: Executor,
  olRunId: string,
): Promise<LineageOpenLineageRunsTable | undefined> {
  return db.selectFrom('lineage_openlineage_runs').selectAll().where('ol_run_id', '=', olRunId).executeTakeFirst();
}

export async function insertOpenLineageRun(db: Executor, row: LineageOpenLineageRunsTable): Promise<void> {
  await db.insertInto('lineage_openlineage_runs').values(row).execute();
}

export async function updateOpenLineageRun(
  db: Executor,
  olRunId: string,
  changes: Partial<Omit<LineageOpenLineageRunsTable, 'ol_run_id'>>,
): Promise<void> {
  await db.updateTable('lineage_openlineage_runs').set(changes).where('ol_run_id', '=', olRunId).execute();
}

export async function insertOpenLineageEvent(db: Executor, row: LineageOpenLineageEventsTable): Promise<void> {
  await db.insertInto('lineage_openlineage_events').values(row).execute();
}

export async function listOpenLineageEvents(db: Executor, olRunId: string): Promise<LineageOpenLineageEventsTable[]> {
  return db
    .selectFrom('lineage_openlineage_events')
    .selectAll()
    .where('ol_run_id', '=', olRunId)
    .orderBy('event_time')
    .execute();
}

/** Moves a run that OpenLineage events created to the lifecycle those events describe, start time included. */
export async function updateRunLifecycle(
  db: Executor,
  runId: string,
  lifecycle: { status: RunStatus; start_time: number; end_time: number | null },
): Promise<void> {
  await db.updateTable('runs').set(lifecycle).where('run_id', '=', runId).execute();
}

/** The OpenLineage jobs among these namespace and name pairs that have runs (a name readable more than one way). */
export async function findJobsNamed(
  db: Executor,
  pairs: readonly { namespace: string; name: string }[],
): Promise<{ namespace: string; name: string }[]> {
  if (pairs.length === 0) return [];
  const rows = await db
    .selectFrom('lineage_openlineage_runs')
    .select(['job_namespace', 'job_name'])
    .distinct()
    .where((eb) =>
      eb.or(pairs.map((p) => eb.and([eb('job_namespace', '=', p.namespace), eb('job_name', '=', p.name)]))),
    )
    .orderBy('job_namespace')
    .execute();
  return rows.map((r) => ({ namespace: r.job_namespace, name: r.job_name }));
}

/** The Mnemo run of a job's most recently started OpenLineage run. */
export async function newestJobRun(
  db: Executor,
  job: { namespace: string; name: string },
): Promise<string | undefined> {
  const row = await db
    .selectFrom('lineage_openlineage_runs')
    .select('run_id')
    .where('job_namespace', '=', job.namespace)
    .where('job_name', '=', job.name)
    .orderBy('start_time', 'desc')
    .orderBy('ol_run_id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.run_id;
}
