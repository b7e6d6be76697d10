import { CompiledQuery } from 'kysely';
import type { Metric } from '../../domain/tracking/entities.js';
import { dialectOf } from '../dialect/dialect-of.js';
import type { Executor } from '../store.js';

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

// A stored latest value is replaced by a newer one only, by the same rule as newestPerKey (at a tie the larger value
// wins and NaN never beats a number), so batches arriving in any order leave the same latest value.
const UPSERT = `on conflict (run_id, key) do update set
    step = excluded.step, timestamp = excluded.timestamp, value = excluded.value, is_nan = excluded.is_nan
  where excluded.step > latest_metrics.step
    or (excluded.step = latest_metrics.step and excluded.timestamp > latest_metrics.timestamp)
    or (excluded.step = latest_metrics.step and excluded.timestamp = latest_metrics.timestamp
      and excluded.is_nan = 0 and (latest_metrics.is_nan = 1 or excluded.value > latest_metrics.value))`;

const POSTGRES_UPSERT = `insert into latest_metrics (run_id, key, step, timestamp, value, is_nan)
  select $1::text, u.key, u.step, u.timestamp, u.value, u.is_nan
  from unnest($2::text[], $3::bigint[], $4::bigint[], $5::double precision[], $6::integer[])
    as u(key, step, timestamp, value, is_nan)
  ${UPSERT}`;

// 6 bound values a row: 1,000 rows is 6,000 parameters, well below SQLite's limit of 32,766.
const SQLITE_ROWS_PER_STATEMENT = 1000;

function sqliteUpsertText(rows: number): string {
  const values = Array.from({ length: rows }, () => '(?, ?, ?, ?, ?, ?)').join(', ');
  return `insert into latest_metrics (run_id, key, step, timestamp, value, is_nan) values ${values} ${UPSERT}`;
}

/**
 * Raises each key's latest value to the newest of `metrics` where that is newer than the stored one. The statement
 * text is written out rather than built per call: it runs on every batch, and building it cost more than running it.
 */
export async function updateLatestMetrics(db: Executor, runId: string, metrics: readonly Metric[]): Promise<void> {
  const newest = newestPerKey(metrics);
  if (newest.length === 0) return;
  if (dialectOf(db) === 'postgres') {
    const values = newest.map((m) => (Number.isNaN(m.value) ? 0 : m.value));
    const nans = newest.map((m) => (Number.isNaN(m.value) ? 1 : 0));
    const keys = newest.map((m) => m.key);
    const steps = newest.map((m) => m.step);
    const timestamps = newest.map((m) => m.timestamp);
    await db.executeQuery(CompiledQuery.raw(POSTGRES_UPSERT, [runId, keys, steps, timestamps, values, nans]));
    return;
  }
  for (let start = 0; start < newest.length; start += SQLITE_ROWS_PER_STATEMENT) {
    const chunk = newest.slice(start, start + SQLITE_ROWS_PER_STATEMENT);
    const parameters: (string | number)[] = [];
    for (const m of chunk) {
      const isNan = Number.isNaN(m.value);
      parameters.push(runId, m.key, m.step, m.timestamp, isNan ? 0 : m.value, isNan ? 1 : 0);
    }
    await db.executeQuery(CompiledQuery.raw(sqliteUpsertText(chunk.length), parameters));
  }
}
