/**
 * Reducing a metric history to what a chart can show, point by point. The reduction returns input positions, walks
 * the input a bounded number of times and allocates only the output, so a million-point history stays cheap.
 */
export interface MetricPoint {
  step: number;
  value: number;
  timestamp: number;
}

/**
 * Keeps, for each run of consecutive points, the lowest and the highest value, so spikes and dips survive any
 * reduction (unlike averaging or LTTB). The first and last points are always kept so the x-range is unchanged.
 * NaN never counts as a min or max; a bucket holding only NaNs keeps its first point so gaps stay visible.
 * Input must be sorted by step; the output is a subsequence of it, so it stays sorted.
 */
export function downsampleMinMax(points: readonly MetricPoint[], maxPoints: number): MetricPoint[] {
  return downsampleMinMaxIndices(points.length, (i) => points[i]!.value, maxPoints).map((i) => points[i]!);
}

/**
 * The positions downsampleMinMax keeps, in increasing order, for a series of `count` values read through
 * `valueAt` (each interior value once). Lets a caller hold a long history in typed arrays rather than objects.
 */
export function downsampleMinMaxIndices(
  count: number,
  valueAt: (index: number) => number,
  maxPoints: number,
  /** Receives, per bucket whose NaN the sample leaves out, the position of its first NaN. */
  hiddenNaN?: number[],
): number[] {
  const limit = checkLimit(maxPoints);
  const n = count;
  if (n <= limit) return Array.from({ length: n }, (_, i) => i);
  if (limit < 3) return limit <= 0 ? [] : limit === 1 ? [0] : [0, n - 1];

  // First and last take two slots; every interior bucket may contribute two more.
  const buckets = Math.floor((limit - 2) / 2);
  const interior = n - 2;
  const out: number[] = [0];
  for (let b = 0; b < buckets; b++) {
    // Integer arithmetic keeps bucket edges exact; n > maxPoints guarantees each bucket has at least two points.
    const from = 1 + Math.floor((b * interior) / buckets);
    const to = 1 + Math.floor(((b + 1) * interior) / buckets);
    emitMinMax(valueAt, from, to, out, hiddenNaN);
  }
  out.push(n - 1);
  return out;
}

function emitMinMax(
  valueAt: (index: number) => number,
  from: number,
  to: number,
  out: number[],
  hiddenNaN: number[] | undefined,
): void {
  let nanIndex = -1;
  let minIndex = -1;
  let maxIndex = -1;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = from; i < to; i++) {
    const value = valueAt(i);
    // Infinities do take part: an overflowed loss is exactly the spike a chart must show.
    if (Number.isNaN(value)) {
      if (nanIndex === -1) nanIndex = i;
      continue;
    }
    // The first finite-or-infinite value seeds both, so a bucket of only +Infinity still has a min.
    if (minIndex === -1 || value < min) {
      minIndex = i;
      min = value;
    }
    if (maxIndex === -1 || value > max) {
      maxIndex = i;
      max = value;
    }
  }
  if (minIndex === -1) {
    out.push(from);
    return;
  }
  const first = Math.min(minIndex, maxIndex);
  const last = Math.max(minIndex, maxIndex);
  out.push(first);
  if (last !== first) out.push(last);
  if (nanIndex !== -1) hiddenNaN?.push(nanIndex);
}

function checkLimit(maxPoints: number): number {
  // A NaN limit would silently disable every bound below; it can only come from a caller bug.
  if (Number.isNaN(maxPoints)) throw new RangeError('maxPoints must be a number');
  return Math.floor(maxPoints);
}
