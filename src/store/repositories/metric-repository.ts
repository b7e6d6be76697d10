import type { HistoryCursor } from '../../domain/metrics/history-cursor.js';
import type { Metric } from '../../domain/tracking/entities.js';
import { dialectOf } from '../dialect/dialect-of.js';
import type { MetricsTable } from '../schema.js';
import type { Executor } from '../store.js';

function fromRow(row: Pick<MetricsTable, 'key' | 'step' | 'timestamp' | 'value' | 'is_nan'>): Metric {
  return { key: row.key, step: row.step, timestamp: row.timestamp, value: row.is_nan ? Number.NaN : row.value };
}

/**
 * Appends points, each marked with `batch`, and returns how many were new. A point identical to one already stored
 * (same key, step, timestamp and value) is skipped, so a client retrying a batch whose answer it never saw does not
 * duplicate anything.
 *
 * This is the hottest write path, so the points go to the database column by column in the dialect's bulk write
 * (one multi-row INSERT per chunk on SQLite, one INSERT … SELECT FROM unnest() on PostgreSQL) rather than built
 * row by row.
 */
export async function insertMetrics(
  db: Executor,
  runId: string,
  metrics: readonly Metric[],
  batch: number,
): Promise<number> {
  const n = metrics.length;
  if (n === 0) return 0;
  const keys: string[] = new Array(n);
  const steps: number[] = new Array(n);
  const timestamps: number[] = new Array(n);
  const values: number[] = new Array(n);
  const nans: number[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const m = metrics[i]!;
    const isNan = Number.isNaN(m.value);
    keys[i] = m.key;
    steps[i] = m.step;
    timestamps[i] = m.timestamp;
    values[i] = isNan ? 0 : m.value;
    nans[i] = isNan ? 1 : 0;
  }
  return dialectOf(db).writeRunRows(db, {
    table: 'metrics',
    runId,
    columns: [
      { name: 'key', type: 'text', values: keys },
      { name: 'step', type: 'bigint', values: steps },
      { name: 'timestamp', type: 'bigint', values: timestamps },
      { name: 'value', type: 'double precision', values: values },
      { name: 'is_nan', type: 'integer', values: nans },
    ],
    trailing: { name: 'batch', type: 'bigint', value: batch },
    conflict: 'on conflict do nothing',
  });
}

/**
 * The points a batch actually stored, for the rare batch that repeated points already there. Scans the run's points
 * (no index on batch: it would slow every insert for the sake of retries).
 */
export async function pointsOfBatch(db: Executor, runId: string, batch: number): Promise<Metric[]> {
  const rows = await db
    .selectFrom('metrics')
    .select(['key', 'step', 'timestamp', 'value', 'is_nan'])
    .where('run_id', '=', runId)
    .where('batch', '=', batch)
    .execute();
  return rows.map(fromRow);
}

/** One metric's rows after a cursor (from the start without one), in primary-key order: step, timestamp, value. */
export async function metricRowsAfter(
  db: Executor,
  runId: string,
  key: string,
  after: HistoryCursor | undefined,
  limit: number,
): Promise<Pick<MetricsTable, 'step' | 'timestamp' | 'value' | 'is_nan' | 'batch'>[]> {
  let query = db
    .selectFrom('metrics')
    .select(['step', 'timestamp', 'value', 'is_nan', 'batch'])
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
  return query.orderBy('step').orderBy('timestamp').orderBy('is_nan').orderBy('value').limit(limit).execute();
}

export async function metricHistoryPage(
  db: Executor,
  runId: string,
  key: string,
  after: HistoryCursor | undefined,
  limit: number,
): Promise<{ metrics: Metric[]; last: HistoryCursor | undefined }> {
  const rows = await metricRowsAfter(db, runId, key, after, limit);
  const lastRow = rows.at(-1);
  return {
    metrics: rows.map((row) => fromRow({ key, ...row })),
    last: lastRow && historyCursorOf(lastRow),
  };
}

/** The cursor just past a row. */
export function historyCursorOf(row: Pick<MetricsTable, 'step' | 'timestamp' | 'value' | 'is_nan'>): HistoryCursor {
  return { step: row.step, timestamp: row.timestamp, isNan: row.is_nan, value: row.value };
}

/** An inclusive range of steps; an absent end is unbounded. */
export interface StepRange {
  startStep?: number | undefined;
  endStep?: number | undefined;
}

/** One metric's points, optionally limited to a range of steps. */
function pointsOf(db: Executor, runId: string, key: string, range: StepRange) {
  let query = db.selectFrom('metrics').where('run_id', '=', runId).where('key', '=', key);
  if (range.startStep !== undefined) query = query.where('step', '>=', range.startStep);
  if (range.endStep !== undefined) query = query.where('step', '<=', range.endStep);
  return query;
}

/** A metric's first and last points in step order (undefined when it has none): two primary-key lookups. */
export async function metricEnds(
  db: Executor,
  runId: string,
  key: string,
  range: StepRange = {},
): Promise<{ first: Metric; last: Metric } | undefined> {
  const end = (direction: 'asc' | 'desc') =>
    pointsOf(db, runId, key, range)
      .select(['key', 'step', 'timestamp', 'value', 'is_nan'])
      .orderBy('step', direction)
      .orderBy('timestamp', direction)
      .orderBy('is_nan', direction)
      .orderBy('value', direction)
      .limit(1)
      .executeTakeFirst();
  const [first, last] = await Promise.all([end('asc'), end('desc')]);
  return first && last ? { first: fromRow(first), last: fromRow(last) } : undefined;
}

/** A metric's whole history as columns: a million points take 24 MB here instead of a million objects. */
export interface MetricSeries {
  count: number;
  steps: Float64Array<ArrayBufferLike>;
  timestamps: Float64Array<ArrayBufferLike>;
  values: Float64Array<ArrayBufferLike>;
}

/**
 * Reads every point of one metric in step order into typed arrays, so callers keep three flat arrays instead of a
 * million objects. (Streaming row by row was measured slower than one result: each row then costs an async step.)
 */
export async function metricSeries(
  db: Executor,
  runId: string,
  key: string,
  range: StepRange = {},
): Promise<MetricSeries> {
  const rows = await pointsOf(db, runId, key, range)
    .select(['step', 'timestamp', 'value', 'is_nan'])
    .orderBy('step')
    .orderBy('timestamp')
    .orderBy('is_nan')
    .orderBy('value')
    .execute();
  const series = new SeriesBuilder(rows.length);
  for (const row of rows) series.push(row.step, row.timestamp, row.is_nan ? Number.NaN : row.value);
  return series.build();
}

class SeriesBuilder {
  private count = 0;
  private steps: Float64Array<ArrayBuffer>;
  private timestamps: Float64Array<ArrayBuffer>;
  private values: Float64Array<ArrayBuffer>;

  constructor(expected = 1024) {
    this.steps = new Float64Array(Math.max(1, expected));
    this.timestamps = new Float64Array(Math.max(1, expected));
    this.values = new Float64Array(Math.max(1, expected));
  }

  push(step: number, timestamp: number, value: number): void {
    if (this.count === this.steps.length) {
      // Doubling keeps appends amortised O(1).
      this.steps = grow(this.steps);
      this.timestamps = grow(this.timestamps);
      this.values = grow(this.values);
    }
    this.steps[this.count] = step;
    this.timestamps[this.count] = timestamp;
    this.values[this.count] = value;
    this.count++;
  }

  build(): MetricSeries {
    return {
      count: this.count,
      steps: this.steps.subarray(0, this.count),
      timestamps: this.timestamps.subarray(0, this.count),
      values: this.values.subarray(0, this.count),
    };
  }
}

function grow(array: Float64Array<ArrayBuffer>): Float64Array<ArrayBuffer> {
  const bigger = new Float64Array(array.length * 2);
  bigger.set(array);
  return bigger;
}
