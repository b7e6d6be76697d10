import type { HistoryCursor } from '../../domain/metrics/history-cursor.js';
import type { Metric } from '../../domain/tracking/entities.js';
import type { MetricsTable } from '../schema.js';
import type { Executor } from '../store.js';
import { inChunks } from './chunks.js';

// 6 bound values a row: 2,000 rows stay far below SQLite's and PostgreSQL's parameter limits.
const ROWS_PER_STATEMENT = 2000;

function toRow(runId: string, metric: Metric): MetricsTable {
  const isNan = Number.isNaN(metric.value);
  return {
    run_id: runId,
    key: metric.key,
    step: metric.step,
    timestamp: metric.timestamp,
    value: isNan ? 0 : metric.value,
    is_nan: isNan ? 1 : 0,
  };
}

function fromRow(row: Pick<MetricsTable, 'key' | 'step' | 'timestamp' | 'value' | 'is_nan'>): Metric {
  return { key: row.key, step: row.step, timestamp: row.timestamp, value: row.is_nan ? Number.NaN : row.value };
}

/**
 * Appends points. A point identical to one already stored (same key, step, timestamp and value) is skipped, so a
 * client retrying a batch whose answer it never saw does not duplicate anything.
 */
export async function insertMetrics(db: Executor, runId: string, metrics: readonly Metric[]): Promise<void> {
  for (const chunk of inChunks(metrics, ROWS_PER_STATEMENT)) {
    await db
      .insertInto('metrics')
      .values(chunk.map((m) => toRow(runId, m)))
      .onConflict((oc) => oc.doNothing())
      .execute();
  }
}

/** MLflow's notion of "latest": the highest step, then the latest timestamp, then the largest value. */
export function newestPerKey(metrics: readonly Metric[]): Metric[] {
  const newest = new Map<string, Metric>();
  for (const m of metrics) {
    const current = newest.get(m.key);
    if (!current || isNewer(m, current)) newest.set(m.key, m);
  }
  return [...newest.values()];
}

function isNewer(a: Metric, b: Metric): boolean {
  if (a.step !== b.step) return a.step > b.step;
  if (a.timestamp !== b.timestamp) return a.timestamp > b.timestamp;
  return !Number.isNaN(a.value) && (Number.isNaN(b.value) || a.value > b.value);
}

export async function updateLatestMetrics(db: Executor, runId: string, metrics: readonly Metric[]): Promise<void> {
  for (const chunk of inChunks(newestPerKey(metrics), ROWS_PER_STATEMENT)) {
    await db
      .insertInto('latest_metrics')
      .values(chunk.map((m) => toRow(runId, m)))
      .onConflict((oc) =>
        oc
          .columns(['run_id', 'key'])
          .doUpdateSet((eb) => ({
            step: eb.ref('excluded.step'),
            timestamp: eb.ref('excluded.timestamp'),
            value: eb.ref('excluded.value'),
            is_nan: eb.ref('excluded.is_nan'),
          }))
          .where((eb) =>
            eb.or([
              eb('excluded.step', '>', eb.ref('latest_metrics.step')),
              eb.and([
                eb('excluded.step', '=', eb.ref('latest_metrics.step')),
                eb('excluded.timestamp', '>=', eb.ref('latest_metrics.timestamp')),
              ]),
            ]),
          ),
      )
      .execute();
  }
}

export async function latestMetricsOf(db: Executor, runIds: string[]): Promise<{ run_id: string; metric: Metric }[]> {
  const rows = await db.selectFrom('latest_metrics').selectAll().where('run_id', 'in', runIds).orderBy('key').execute();
  return rows.map((row) => ({ run_id: row.run_id, metric: fromRow(row) }));
}

export async function metricHistoryPage(
  db: Executor,
  runId: string,
  key: string,
  after: HistoryCursor | undefined,
  limit: number,
): Promise<{ metrics: Metric[]; last: HistoryCursor | undefined }> {
  let query = db
    .selectFrom('metrics')
    .select(['key', 'step', 'timestamp', 'value', 'is_nan'])
    .where('run_id', '=', runId)
    .where('key', '=', key);
  if (after) {
    query = query.where((eb) =>
      eb(
        eb.refTuple('step', 'timestamp', 'is_nan', 'value'),
        '>',
        eb.tuple(after.step, after.timestamp, after.isNan, after.value),
      ),
    );
  }
  const rows = await query
    .orderBy('step')
    .orderBy('timestamp')
    .orderBy('is_nan')
    .orderBy('value')
    .limit(limit)
    .execute();
  const lastRow = rows.at(-1);
  return {
    metrics: rows.map(fromRow),
    last: lastRow && {
      step: lastRow.step,
      timestamp: lastRow.timestamp,
      isNan: lastRow.is_nan,
      value: lastRow.value,
    },
  };
}

export async function allMetricPoints(db: Executor, runId: string, key: string): Promise<Metric[]> {
  const rows = await db
    .selectFrom('metrics')
    .select(['key', 'step', 'timestamp', 'value', 'is_nan'])
    .where('run_id', '=', runId)
    .where('key', '=', key)
    .orderBy('step')
    .orderBy('timestamp')
    .execute();
  return rows.map(fromRow);
}

export async function metricKeysOf(db: Executor, runId: string): Promise<string[]> {
  const rows = await db.selectFrom('latest_metrics').select('key').where('run_id', '=', runId).orderBy('key').execute();
  return rows.map((r) => r.key);
}
