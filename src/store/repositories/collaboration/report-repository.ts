import type { ReportsTable } from '../../schema-collaboration.js';
import type { Executor } from '../../store.js';

export async function insertReport(db: Executor, row: ReportsTable): Promise<void> {
  await db.insertInto('reports').values(row).execute();
}

export async function updateReport(db: Executor, row: ReportsTable): Promise<void> {
  await db
    .updateTable('reports')
    .set({
      title: row.title,
      blocks: row.blocks,
      last_updated_by: row.last_updated_by,
      last_updated_time: row.last_updated_time,
    })
    .where('report_id', '=', row.report_id)
    .execute();
}

export async function findReport(db: Executor, reportId: string): Promise<ReportsTable | undefined> {
  return db.selectFrom('reports').selectAll().where('report_id', '=', reportId).executeTakeFirst();
}

/** An experiment's reports, the most recently changed first. */
export async function reportsOf(db: Executor, experimentId: string): Promise<ReportsTable[]> {
  return db
    .selectFrom('reports')
    .selectAll()
    .where('experiment_id', '=', experimentId)
    .orderBy('last_updated_time', 'desc')
    .orderBy('report_id', 'asc')
    .execute();
}

export async function deleteReport(db: Executor, reportId: string): Promise<void> {
  await db.deleteFrom('reports').where('report_id', '=', reportId).execute();
}

/** The latest value of every metric of the given runs (NaN as null), for showing runs beside each other. */
export async function latestMetricsOf(
  db: Executor,
  runIds: readonly string[],
): Promise<{ runId: string; key: string; value: number | null }[]> {
  if (runIds.length === 0) return [];
  const rows = await db
    .selectFrom('latest_metrics')
    .select(['run_id', 'key', 'value', 'is_nan'])
    .where('run_id', 'in', runIds)
    .execute();
  return rows.map((r) => ({ runId: r.run_id, key: r.key, value: Number(r.is_nan) ? null : Number(r.value) }));
}
