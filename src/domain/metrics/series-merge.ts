import type { HistoryCursor } from './history-cursor.js';
import type { ChunkColumns } from './metric-chunks.js';

/** A metric's points as columns: a million points take 24 MB here instead of a million objects. */
export interface MetricSeries {
  count: number;
  steps: Float64Array<ArrayBufferLike>;
  timestamps: Float64Array<ArrayBufferLike>;
  values: Float64Array<ArrayBufferLike>;
}

/** Which points of the chunks to keep: an inclusive range of steps, and only points after a paging cursor. */
export interface SeriesWindow {
  startStep?: number | undefined;
  endStep?: number | undefined;
  after?: HistoryCursor | undefined;
}

/**
 * History order: step, then timestamp, then numbers before NaN, then value; 0 only for identical points.
 * Stored values never hold -0 (chunks store +0), so equal values are identical.
 */
export function comparePoints(s1: number, t1: number, v1: number, s2: number, t2: number, v2: number): number {
  if (s1 !== s2) return s1 < s2 ? -1 : 1;
  if (t1 !== t2) return t1 < t2 ? -1 : 1;
  const n1 = Number.isNaN(v1);
  const n2 = Number.isNaN(v2);
  if (n1 || n2) return n1 === n2 ? 0 : n1 ? 1 : -1;
  return v1 === v2 ? 0 : v1 < v2 ? -1 : 1;
}

/**
 * The points of `chunks` inside `window`, in history order. Chunks usually follow each other (a run logs its steps
 * in order), and are then simply concatenated; chunks that interleave (out-of-order logging) are sorted together.
 * With `distinct`, points identical to their predecessor are left out: a point logged twice by batches that raced
 * each other is stored twice but read once.
 *
 * `sideBySide`, when given, holds the chunks' points one after another, each chunk a view of its stretch (see
 * unpackChunksSideBySide): the result is then compacted within those columns instead of copied out of them, so
 * neither they nor the chunks may be read again.
 */
export function mergeChunks(
  chunks: readonly ChunkColumns[],
  window: SeriesWindow,
  distinct: boolean,
  sideBySide?: ChunkColumns,
): MetricSeries {
  let total = 0;
  for (const c of chunks) total += c.count;
  if (sideBySide && !isSideBySide(chunks, sideBySide, total)) sideBySide = undefined;
  const steps = sideBySide?.steps ?? new Float64Array(total);
  const timestamps = sideBySide?.timestamps ?? new Float64Array(total);
  const values = sideBySide?.values ?? new Float64Array(total);
  const lo = window.startStep ?? Number.NEGATIVE_INFINITY;
  const hi = window.endStep ?? Number.POSITIVE_INFINITY;
  const after = window.after;
  const afterValue = after ? (after.isNan ? Number.NaN : after.value) : 0;
  let n = 0;
  // Each chunk is in history order without repeats (ingest packs canonical batches), so the whole is in order and
  // free of repeats when every chunk starts after the previous one ends: only those boundaries need comparing.
  let ordered = true;
  for (const c of chunks) {
    if (c.count === 0) continue;
    const start = n;
    const inside =
      c.steps[0]! >= lo &&
      c.steps[c.count - 1]! <= hi &&
      (!after ||
        comparePoints(c.steps[0]!, c.timestamps[0]!, c.values[0]!, after.step, after.timestamp, afterValue) > 0);
    if (inside) {
      // Side by side, a chunk before which nothing was left out is already where it belongs.
      if (!sideBySide || c.steps.byteOffset !== steps.byteOffset + n * 8) {
        steps.set(c.steps, n);
        timestamps.set(c.timestamps, n);
        values.set(c.values, n);
      }
      n += c.count;
    } else {
      // Side by side, a point is written at or before where it is read: compacting in place is safe.
      for (let i = 0; i < c.count; i++) {
        const s = c.steps[i]!;
        if (s < lo || s > hi) continue;
        const t = c.timestamps[i]!;
        const v = c.values[i]!;
        if (after && comparePoints(s, t, v, after.step, after.timestamp, afterValue) <= 0) continue;
        steps[n] = s;
        timestamps[n] = t;
        values[n] = v;
        n++;
      }
    }
    if (
      ordered &&
      start > 0 &&
      n > start &&
      comparePoints(
        steps[start - 1]!,
        timestamps[start - 1]!,
        values[start - 1]!,
        steps[start]!,
        timestamps[start]!,
        values[start]!,
      ) >= 0
    ) {
      ordered = false;
    }
  }
  const merged = {
    count: n,
    steps: steps.subarray(0, n),
    timestamps: timestamps.subarray(0, n),
    values: values.subarray(0, n),
  };
  if (ordered) return merged;
  const sorted = isSorted(merged) ? merged : sortSeries(merged);
  return distinct ? withoutRepeats(sorted) : sorted;
}

/** Whether each chunk is a view of the next stretch of `all`'s columns, covering them exactly. */
function isSideBySide(chunks: readonly ChunkColumns[], all: ChunkColumns, total: number): boolean {
  if (all.count !== total) return false;
  let at = 0;
  for (const c of chunks) {
    for (const [part, whole] of [
      [c.steps, all.steps],
      [c.timestamps, all.timestamps],
      [c.values, all.values],
    ] as const) {
      if (part.buffer !== whole.buffer || part.byteOffset !== whole.byteOffset + at * 8) return false;
    }
    at += c.count;
  }
  return true;
}

function isSorted({ count, steps, timestamps, values }: MetricSeries): boolean {
  for (let i = 1; i < count; i++) {
    if (comparePoints(steps[i - 1]!, timestamps[i - 1]!, values[i - 1]!, steps[i]!, timestamps[i]!, values[i]!) > 0) {
      return false;
    }
  }
  return true;
}

function sortSeries(series: MetricSeries): MetricSeries {
  const { count, steps, timestamps, values } = series;
  const order = Array.from({ length: count }, (_, i) => i);
  order.sort((a, b) => comparePoints(steps[a]!, timestamps[a]!, values[a]!, steps[b]!, timestamps[b]!, values[b]!));
  const out = {
    count,
    steps: new Float64Array(count),
    timestamps: new Float64Array(count),
    values: new Float64Array(count),
  };
  for (let i = 0; i < count; i++) {
    const j = order[i]!;
    out.steps[i] = steps[j]!;
    out.timestamps[i] = timestamps[j]!;
    out.values[i] = values[j]!;
  }
  return out;
}

function withoutRepeats(series: MetricSeries): MetricSeries {
  const { steps, timestamps, values } = series;
  let n = 0;
  for (let i = 0; i < series.count; i++) {
    if (
      n > 0 &&
      comparePoints(steps[n - 1]!, timestamps[n - 1]!, values[n - 1]!, steps[i]!, timestamps[i]!, values[i]!) === 0
    ) {
      continue;
    }
    steps[n] = steps[i]!;
    timestamps[n] = timestamps[i]!;
    values[n] = values[i]!;
    n++;
  }
  if (n === series.count) return series;
  return {
    count: n,
    steps: steps.subarray(0, n),
    timestamps: timestamps.subarray(0, n),
    values: values.subarray(0, n),
  };
}
