/**
 * Reducing a metric history to what a chart can show. Both algorithms return input objects (never copies), walk
 * the input a bounded number of times and allocate only the output, so a million-point history stays cheap.
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
    emitMinMax(valueAt, from, to, out);
  }
  out.push(n - 1);
  return out;
}

function emitMinMax(valueAt: (index: number) => number, from: number, to: number, out: number[]): void {
  let minIndex = -1;
  let maxIndex = -1;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = from; i < to; i++) {
    const value = valueAt(i);
    // Infinities do take part: an overflowed loss is exactly the spike a chart must show.
    if (Number.isNaN(value)) continue;
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
}

/**
 * Largest-Triangle-Three-Buckets (Steinarsson, 2013) on (step, value): keeps the point of each bucket that forms
 * the largest triangle with the previously kept point and the next bucket's average, which preserves the visual
 * shape of a line better than min/max. Non-finite values cannot form triangles, so they are left out entirely.
 */
export function lttb(points: readonly MetricPoint[], maxPoints: number): MetricPoint[] {
  const limit = checkLimit(maxPoints);
  // Indices of finite points, in a typed array so the filtering allocates no per-point objects.
  const finite = finiteIndices(points);
  const n = finite.length;
  if (n <= limit) return Array.from(finite, (i) => points[i]!);
  if (limit < 3) return ends(points[finite[0]!]!, points[finite[n - 1]!]!, limit);

  const buckets = limit - 2;
  const interior = n - 2;
  // Start offset (into `finite`) of interior bucket b; bucket b spans [edge(b), edge(b + 1)).
  const edge = (b: number) => 1 + Math.floor((b * interior) / buckets);
  const first = points[finite[0]!]!;
  const out: MetricPoint[] = [first];
  // The previously kept point, held as plain numbers so each candidate costs one read of its step and value.
  let anchorX = first.step;
  let anchorY = first.value;
  for (let b = 0; b < buckets; b++) {
    const from = edge(b);
    const to = edge(b + 1);
    // The next bucket's centroid stands in for the point not chosen yet; after the last bucket it is the last point.
    const nextFrom = to;
    const nextTo = b + 1 < buckets ? edge(b + 2) : n;
    let sumX = 0;
    let sumY = 0;
    for (let j = nextFrom; j < nextTo; j++) {
      const p = points[finite[j]!]!;
      sumX += p.step;
      sumY += p.value;
    }
    const avgX = sumX / (nextTo - nextFrom);
    const avgY = sumY / (nextTo - nextFrom);

    let best = from;
    let bestArea = -1;
    for (let j = from; j < to; j++) {
      const p = points[finite[j]!]!;
      const x = p.step;
      const y = p.value;
      // Twice the triangle's area; the factor does not change which point wins.
      const area = Math.abs((anchorX - avgX) * (y - anchorY) - (anchorX - x) * (avgY - anchorY));
      if (area > bestArea) {
        bestArea = area;
        best = j;
      }
    }
    const chosen = points[finite[best]!]!;
    out.push(chosen);
    anchorX = chosen.step;
    anchorY = chosen.value;
  }
  out.push(points[finite[n - 1]!]!);
  return out;
}

function finiteIndices(points: readonly MetricPoint[]): Uint32Array {
  let count = 0;
  for (const p of points) if (Number.isFinite(p.value)) count++;
  const indices = new Uint32Array(count);
  let k = 0;
  for (let i = 0; i < points.length; i++) if (Number.isFinite(points[i]!.value)) indices[k++] = i;
  return indices;
}

/** Below three points there is no interior to choose from: keep as many of the endpoints as fit. */
function ends(first: MetricPoint, last: MetricPoint, limit: number): MetricPoint[] {
  if (limit <= 0) return [];
  return limit === 1 ? [first] : [first, last];
}

function checkLimit(maxPoints: number): number {
  // A NaN limit would silently disable every bound below; it can only come from a caller bug.
  if (Number.isNaN(maxPoints)) throw new RangeError('maxPoints must be a number');
  return Math.floor(maxPoints);
}
