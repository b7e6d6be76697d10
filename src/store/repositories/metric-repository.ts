import type { HistoryCursor } from '../../domain/metrics/history-cursor.js';
import { type BlockSummary, summarize } from '../../domain/metrics/metric-blocks.js';
import { type PackedChunk, packPoints, unpackChunksSideBySide } from '../../domain/metrics/metric-chunks.js';
import { comparePoints, type MetricSeries, mergeChunks } from '../../domain/metrics/series-merge.js';
import type { Metric } from '../../domain/tracking/entities.js';
import { dialectOf } from '../dialect/dialect-of.js';
import type { RunRowsWrite } from '../dialect/sql-dialect.js';
import type { RunsTable } from '../schema.js';
import type { Executor } from '../store.js';
import { inChunks } from './chunks.js';
import { latestMetricsWrite } from './latest-metric-repository.js';
import { metricBlocksWrite } from './metric-block-repository.js';
import {
  type ChunkSpan,
  columnsOf,
  metricChunkAt,
  metricChunkSpans,
  metricChunkSpansFromEnd,
  metricChunks,
  metricChunksStartingIn,
  metricChunksWrite,
  type StepRange,
  storedColumnsOf,
} from './metric-chunk-repository.js';
import { findRunRow } from './run-repository.js';

export type { MetricSeries } from '../../domain/metrics/series-merge.js';
export type { StepRange } from './metric-chunk-repository.js';

/**
 * A batch's points in canonical order (see canonicalBatch) with the chunks and chart summaries that storing all of them
 * writes, made before the batch's transaction: packing and summarising are work on the points alone, and inside the
 * transaction they would hold the write lock every other writer waits on (SQLite's database lock, shared by a
 * server's worker processes; on PostgreSQL the audit log's, shared by replicas).
 */
export interface PreparedPoints {
  points: readonly Metric[];
  chunks: readonly PackedChunk[];
  summaries: readonly BlockSummary[];
}

export function preparePoints(points: readonly Metric[]): PreparedPoints {
  return { points, chunks: packPoints(points), summaries: summarize(points) };
}

/**
 * Stores the points of a batch (in canonical order, see canonicalBatch) that are not stored yet, marked with
 * `batch`, with what follows from them (each key's latest value, the block summaries charts read), and returns
 * them: a point identical to one already stored (same key, step, timestamp and value) is skipped, so a client
 * retrying a batch whose answer it never saw does not duplicate anything. The three tables are written together,
 * in one statement where the database allows (see writeRunRowsTogether): training loops send batches many times
 * a second.
 *
 * Runs log forward, so the question is usually settled by the key's latest point: points after it cannot repeat a
 * stored one. Only a key whose points reach back to or before its latest is compared with the chunks it overlaps.
 */
export async function storeMetricBatch(
  db: Executor,
  runId: string,
  prepared: PreparedPoints,
  batch: number,
): Promise<readonly Metric[]> {
  return (await storeMetricBatchOfActiveRun(db, runId, prepared, batch, true)).stored;
}

/**
 * As storeMetricBatch, for a run not read yet: the points are stored only if the run exists and is active, and the
 * run's row comes back as it was read (undefined: no such run) for the caller to judge. Where one statement may write
 * several tables (PostgreSQL), the run, the keys' latest points and the writes are one statement: a batch of metrics
 * only, what training loops send many times a second, then costs its write group one round trip.
 */
export async function storeMetricBatchOfActiveRun(
  db: Executor,
  runId: string,
  prepared: PreparedPoints,
  batch: number,
  /** The caller has read the run and found it active: on databases that read first, it is not read again. */
  knownActive = false,
): Promise<{ run: RunsTable | undefined; stored: readonly Metric[] }> {
  const { points } = prepared;
  if (points.length === 0) return { run: knownActive ? undefined : await findRunRow(db, runId), stored: points };
  const dialect = dialectOf(db);
  const ranges = keyRanges(points);
  if (dialect.writeMetricRowsAfterLatest) {
    // Written at once on the assumption that every key logs forward; the keys that do not are held back and
    // compared with what is stored, then written in a second statement.
    const firsts = [...ranges.values()].map((range) => points[range.from]!);
    const { held, run } = await dialect.writeMetricRowsAfterLatest(
      db,
      runId,
      firsts,
      pointWrites(runId, batch, prepared),
      present([latestMetricsWrite(runId, points)]),
    );
    if (run?.lifecycle_stage !== 'active') return { run, stored: [] };
    if (held.length === 0) return { run, stored: points };
    const heldKeys = new Set(held);
    const fresh = await withoutStoredPoints(
      db,
      runId,
      heldKeys,
      points.filter((p) => heldKeys.has(p.key)),
    );
    const writes = pointWrites(runId, batch, preparePoints(fresh));
    if (writes.length > 0) await dialect.writeRunRowsTogether(db, writes);
    const kept = new Set(fresh);
    return { run, stored: points.filter((p) => !heldKeys.has(p.key) || kept.has(p)) };
  }
  const run = knownActive ? undefined : await findRunRow(db, runId);
  if (!knownActive && run?.lifecycle_stage !== 'active') return { run, stored: [] };
  const latest = await latestPoints(db, runId, [...ranges.keys()]);
  const pending = new Set<string>();
  for (const [key, range] of ranges) {
    const newest = latest.get(key);
    const first = points[range.from]!;
    if (newest && !(first.step > newest.step || (first.step === newest.step && first.timestamp > newest.timestamp))) {
      pending.add(key);
    }
  }
  const fresh = pending.size === 0 ? points : await withoutStoredPoints(db, runId, pending, points);
  await dialect.writeRunRowsTogether(db, [
    ...pointWrites(runId, batch, fresh === points ? prepared : preparePoints(fresh)),
    ...present([latestMetricsWrite(runId, points)]),
  ]);
  return { run, stored: fresh };
}

/**
 * `points` without those already stored, compared for the keys in `keys` only (the others are kept): each such key's
 * stored points in the range its points span are read and matched by step, timestamp and value.
 */
async function withoutStoredPoints(
  db: Executor,
  runId: string,
  keys: ReadonlySet<string>,
  points: readonly Metric[],
): Promise<readonly Metric[]> {
  let fresh = points;
  for (const key of keys) {
    // Canonical order: a key's points are together, by step.
    const keyed = points.filter((m) => m.key === key);
    if (keyed.length === 0) continue;
    const stored = await metricSeries(db, runId, key, { startStep: keyed[0]!.step, endStep: keyed.at(-1)!.step });
    if (stored.count === 0) continue;
    const known = new Set<string>();
    for (let i = 0; i < stored.count; i++) {
      known.add(identity(stored.steps[i]!, stored.timestamps[i]!, stored.values[i]!));
    }
    fresh = fresh.filter((m) => m.key !== key || !known.has(identity(m.step, m.timestamp, m.value)));
  }
  return fresh;
}

/** The rows that hold the points themselves: their chunks and the chart summaries made from them. */
function pointWrites(runId: string, batch: number, { chunks, summaries }: PreparedPoints): RunRowsWrite[] {
  return present([metricChunksWrite(runId, batch, chunks), metricBlocksWrite(runId, summaries)]);
}

function present<T>(writes: readonly (T | undefined)[]): T[] {
  return writes.filter((write): write is T => write !== undefined);
}

const identity = (step: number, timestamp: number, value: number) =>
  `${step}:${timestamp}:${Number.isNaN(value) ? 'NaN' : value === 0 ? 0 : value}`;

/** Per key of canonically ordered points, the positions [from, to) of its points. */
function keyRanges(points: readonly Metric[]): Map<string, { from: number; to: number }> {
  const ranges = new Map<string, { from: number; to: number }>();
  let from = 0;
  for (let i = 1; i <= points.length; i++) {
    if (i === points.length || points[i]!.key !== points[from]!.key) {
      ranges.set(points[from]!.key, { from, to: i });
      from = i;
    }
  }
  return ranges;
}

async function latestPoints(db: Executor, runId: string, keys: readonly string[]) {
  const latest = new Map<string, { step: number; timestamp: number }>();
  for (const some of inChunks(keys, 1000)) {
    const rows = await db
      .selectFrom('latest_metrics')
      .select(['key', 'step', 'timestamp'])
      .where('run_id', '=', runId)
      .where('key', 'in', some)
      .execute();
    for (const row of rows) latest.set(row.key, row);
  }
  return latest;
}

/** Every point of one metric in `range`, in history order, a point stored twice once. */
export async function metricSeries(
  db: Executor,
  runId: string,
  key: string,
  range: StepRange = {},
): Promise<MetricSeries> {
  const stored = await metricChunks(db, runId, key, range);
  const { all, chunks } = unpackChunksSideBySide(stored.map(storedColumnsOf));
  return mergeChunks(chunks, range, true, all);
}

/**
 * One page of a metric's points after a cursor (from the start without one), in history order. Reads the chunks'
 * spans, then the columns of only as many chunks as the page needs: those in first-step order until the page is
 * full and the next chunk starts after the page's last step (so no later chunk can hold a point that sorts into it).
 */
export async function metricHistoryPage(
  db: Executor,
  runId: string,
  key: string,
  after: HistoryCursor | undefined,
  limit: number,
  range: StepRange = {},
): Promise<{ metrics: Metric[]; last: HistoryCursor | undefined }> {
  const from = Math.max(after?.step ?? Number.NEGATIVE_INFINITY, range.startStep ?? Number.NEGATIVE_INFINITY);
  const spans = await metricChunkSpans(db, runId, key, {
    startStep: Number.isFinite(from) ? from : undefined,
    endStep: range.endStep,
  });
  const loaded: ReturnType<typeof columnsOf>[] = [];
  let next = 0;
  let series: MetricSeries = {
    count: 0,
    steps: new Float64Array(),
    timestamps: new Float64Array(),
    values: new Float64Array(),
  };
  while (next < spans.length) {
    // Take chunks until they could fill the page (counts include points before the cursor, so perhaps more).
    let wanted = 0;
    const from = spans[next]!.first_step;
    let to = from;
    while (next < spans.length && (wanted < limit || spans[next]!.first_step === to)) {
      wanted += Number(spans[next]!.count);
      to = spans[next]!.first_step;
      next++;
    }
    for (const chunk of await metricChunksStartingIn(db, runId, key, from, to)) loaded.push(columnsOf(chunk));
    series = mergeChunks(loaded, { ...range, after }, true);
    if (series.count >= limit && (next === spans.length || spans[next]!.first_step > series.steps[limit - 1]!)) break;
  }
  const count = Math.min(limit, series.count);
  const metrics: Metric[] = new Array(count);
  for (let i = 0; i < count; i++) metrics[i] = pointAt(series, key, i);
  return { metrics, last: count > 0 ? cursorAt(series, count - 1) : undefined };
}

function cursorAt(series: MetricSeries, i: number): HistoryCursor {
  const value = series.values[i]!;
  const isNan = Number.isNaN(value);
  return { step: series.steps[i]!, timestamp: series.timestamps[i]!, isNan: isNan ? 1 : 0, value: isNan ? 0 : value };
}

export function pointAt(series: MetricSeries, key: string, i: number): Metric {
  return { key, step: series.steps[i]!, timestamp: series.timestamps[i]!, value: series.values[i]! };
}

/**
 * A metric's first and last points in `range` in history order (undefined when it has none). Reads the spans nearest
 * each end, then the columns of those chunks from the end inwards until no other chunk can hold a point beyond the one
 * found: a few rows however long the history is.
 */
export async function metricEnds(
  db: Executor,
  runId: string,
  key: string,
  range: StepRange = {},
): Promise<{ first: Metric; last: Metric } | undefined> {
  const lo = range.startStep ?? Number.NEGATIVE_INFINITY;
  const hi = range.endStep ?? Number.POSITIVE_INFINITY;
  // Both ends at once: on PostgreSQL their round trips overlap on two pooled connections.
  const [first, last] = await Promise.all([
    extreme(db, runId, key, range, 'first', (s) => Math.max(s.first_step, lo)),
    extreme(db, runId, key, range, 'last', (s) => Math.min(s.last_step, hi)),
  ]);
  return first && last ? { first, last } : undefined;
}

/** Spans read at a time while looking for an end: chunks overlap only where batches interleaved, so one page is usual. */
const END_SPANS = 8;

/**
 * The lowest (first) or highest (last) point in range, visiting chunks from that end inwards. `bound` is the nearest
 * step a chunk can hold in range; spans arrive in its order, so once it passes the best point found, no later chunk can
 * hold a better one.
 */
async function extreme(
  db: Executor,
  runId: string,
  key: string,
  range: StepRange,
  end: 'first' | 'last',
  bound: (span: ChunkSpan) => number,
): Promise<Metric | undefined> {
  const direction = end === 'first' ? 1 : -1;
  let best: Metric | undefined;
  for (let offset = 0; ; offset += END_SPANS) {
    const spans = await metricChunkSpansFromEnd(db, runId, key, range, end, { offset, limit: END_SPANS });
    for (const span of spans) {
      if (best && direction * (bound(span) - best.step) > 0) return best;
      const series = mergeChunks([columnsOf(await metricChunkAt(db, runId, key, span))], range, false);
      if (series.count === 0) continue;
      const candidate = pointAt(series, key, direction === 1 ? 0 : series.count - 1);
      if (!best || direction * compare(candidate, best) < 0) best = candidate;
    }
    if (spans.length < END_SPANS) return best;
  }
}

const compare = (a: Metric, b: Metric) => comparePoints(a.step, a.timestamp, a.value, b.step, b.timestamp, b.value);
