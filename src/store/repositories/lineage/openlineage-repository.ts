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
  lifecycle: { status: string; start_time: number; end_time: number | null },
): Promise<void> {
  await db.updateTable('runs').set(lifecycle).where('run_id', '=', runId).execute();
}
