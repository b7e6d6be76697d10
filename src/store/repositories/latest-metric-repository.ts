import type { Metric } from '../../domain/tracking/entities.js';
import type { RunRowsWrite } from '../dialect/sql-dialect.js';
import type { Executor } from '../store.js';

/** MLflow's notion of "latest": the highest step, then the latest timestamp, then the largest value. */
export function newestPerKey(metrics: readonly Metric[]): Metric[] {
  const newest = new Map<string, Metric>();
  // Batches hold each key's points together (canonical order does): the key's entry is looked up and set once per
  // run of its points rather than once per point.
  let key: string | undefined;
  let current: Metric | undefined;
  for (const m of metrics) {
    if (m.key !== key) {
      if (key !== undefined) newest.set(key, current!);
      key = m.key;
      current = newest.get(key);
    }
    if (!current || isNewer(m, current)) current = m;
  }
  if (key !== undefined) newest.set(key, current!);
  return [...newest.values()];
}

function isNewer(a: Metric, b: Metric): boolean {
  if (a.step !== b.step) return a.step > b.step;
  if (a.timestamp !== b.timestamp) return a.timestamp > b.timestamp;
  return !Number.isNaN(a.value) && (Number.isNaN(b.value) || a.value > b.value);
}

// A stored latest value is replaced by a newer one only, by the same rule as newestPerKey (at a tie the larger value
// wins and NaN never beats a number), so batches arriving in any order leave the same latest value.
const UPSERT = `on conflict (run_id, key) do update set
    step = excluded.step, timestamp = excluded.timestamp, value = excluded.value, is_nan = excluded.is_nan
  where excluded.step > latest_metrics.step
    or (excluded.step = latest_metrics.step and excluded.timestamp > latest_metrics.timestamp)
    or (excluded.step = latest_metrics.step and excluded.timestamp = latest_metrics.timestamp
      and excluded.is_nan = 0 and (latest_metrics.is_nan = 1 or excluded.value > latest_metrics.value))`;

/**
 * The write that raises each key's latest value to the newest of `metrics` where that is newer than the stored one,
 * in the dialect's bulk form (undefined for no metrics): it runs on every batch, and building the statement row by
 * row cost more than running it.
 */
export function latestMetricsWrite(runId: string, metrics: readonly Metric[]): RunRowsWrite | undefined {
  const newest = newestPerKey(metrics);
  if (newest.length === 0) return undefined;
  return {
    table: 'latest_metrics',
    runId,
    columns: [
      { name: 'key', type: 'text', values: newest.map((m) => m.key) },
      { name: 'step', type: 'bigint', values: newest.map((m) => m.step) },
      { name: 'timestamp', type: 'bigint', values: newest.map((m) => m.timestamp) },
      { name: 'value', type: 'double precision', values: newest.map((m) => (Number.isNaN(m.value) ? 0 : m.value)) },
      { name: 'is_nan', type: 'integer', values: newest.map((m) => (Number.isNaN(m.value) ? 1 : 0)) },
    ],
    conflict: UPSERT,
  };
}

/** The latest value of every metric of the given runs, in one read; NaN where the latest point was NaN. */
export async function latestMetricsOfRuns(
  db: Executor,
  runIds: readonly string[],
): Promise<{ runId: string; key: string; value: number }[]> {
  if (runIds.length === 0) return [];
  const rows = await db
    .selectFrom('latest_metrics')
    .select(['run_id', 'key', 'value', 'is_nan'])
    .where('run_id', 'in', [...runIds])
    .orderBy('run_id')
    .orderBy('key')
    .execute();
  return rows.map((row) => ({
    runId: row.run_id,
    key: row.key,
    value: Number(row.is_nan) === 1 ? Number.NaN : Number(row.value),
  }));
}
