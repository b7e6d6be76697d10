/**
 * Runs grouped by the value of one param, and each group's metric drawn as the mean of its runs with a min–max band
 * around it (how Weights & Biases draws a sweep's runs grouped). Pure: the chart feeds it the series it already
 * built for each run (smoothed and on the chosen x axis) and draws what comes back.
 */

/** One run's series: x ascending without duplicates, a y per x; null, NaN or ±Infinity means no usable value. */
export interface RunSeries {
  x: readonly number[];
  y: readonly (number | null)[];
}

export interface RunGroup {
  /** The param's value shared by the group's runs; null for the runs that do not have the param. */
  value: string | null;
  /** Positions of the group's runs in the list grouped. */
  members: number[];
}

/** A group's aggregate on the union of its runs' x values; where no run has a usable value, all three are null. */
export interface GroupBand {
  x: number[];
  mean: (number | null)[];
  min: (number | null)[];
  max: (number | null)[];
  /** How many runs contributed at each x. */
  count: number[];
}

/**
 * The runs grouped by the value of param `key`, one group per distinct value in value order (numeric order when
 * every value is a number, so 0.01 comes before 0.1 and 2 before 10), then the runs without the param as one group.
 */
export function groupByParam(
  params: readonly (Readonly<Record<string, string>> | undefined)[],
  key: string,
): RunGroup[] {
  const byValue = new Map<string, number[]>();
  const without: number[] = [];
  params.forEach((p, i) => {
    const value = p && Object.hasOwn(p, key) ? p[key] : undefined;
    if (value === undefined) without.push(i);
    else byValue.set(value, [...(byValue.get(value) ?? []), i]);
  });
  const values = [...byValue.keys()];
  const numeric = values.every((v) => v.trim() !== '' && Number.isFinite(Number(v)));
  values.sort((a, b) => (numeric ? Number(a) - Number(b) || a.localeCompare(b) : a.localeCompare(b)));
  const groups: RunGroup[] = values.map((value) => ({ value, members: byValue.get(value)! }));
  if (without.length > 0) groups.push({ value: null, members: without });
  return groups;
}

const usable = (v: number | null | undefined): v is number => typeof v === 'number' && Number.isFinite(v);

/** The index of the last x in `xs` (ascending) that is at most `x`, or -1. */
function floorIndex(xs: readonly number[], x: number): number {
  let lo = 0;
  let hi = xs.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (xs[mid]! <= x) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/**
 * A run's value at `x`. Where the run logged `x`, its value there — or nothing when that value is NaN, infinite or
 * a gap: such a point is left out of the aggregate rather than turning the mean into NaN. Where the run did not log
 * `x` but logged points on both sides of it, the straight line between those two neighbours (if both are usable):
 * runs logged every 10 and every 25 steps, or sampled by the server into different steps, still meet at every x.
 * Before its first or after its last point a run contributes nothing, so a run stopped early neither drags the mean
 * nor narrows the band beyond where it ended.
 */
export function valueAt(series: RunSeries, x: number): number | null {
  const i = floorIndex(series.x, x);
  if (i < 0) return null;
  if (series.x[i] === x) return usable(series.y[i]) ? series.y[i]! : null;
  if (i + 1 >= series.x.length) return null;
  const x0 = series.x[i]!;
  const x1 = series.x[i + 1]!;
  const y0 = series.y[i];
  const y1 = series.y[i + 1];
  if (!usable(y0) || !usable(y1)) return null;
  const value = y0 + ((y1 - y0) * (x - x0)) / (x1 - x0);
  // Between two finite values the line stays between them; clamping keeps rounding from stepping outside.
  return Math.min(Math.max(value, Math.min(y0, y1)), Math.max(y0, y1));
}

/** The mean of finite values, which cannot overflow to ±Infinity for values near the largest doubles. */
function meanOf(values: readonly number[], min: number, max: number): number {
  let sum = 0;
  for (const v of values) sum += v;
  let mean = sum / values.length;
  if (!Number.isFinite(mean)) {
    mean = 0;
    for (const v of values) mean += v / values.length;
  }
  // Rounding can put the mean of equal values a hair above them (0.1 + 0.1 + 0.1 = 0.30000000000000004); a mean
  // outside its own band would be drawn outside it.
  return Math.min(Math.max(mean, min), max);
}

/** The mean, min and max of the runs at every x any of them logged, aligned as valueAt describes. */
export function aggregateGroup(series: readonly RunSeries[]): GroupBand {
  const x = [...new Set(series.flatMap((s) => s.x))].sort((a, b) => a - b);
  const band: GroupBand = { x, mean: [], min: [], max: [], count: [] };
  for (const at of x) {
    const values = series.map((s) => valueAt(s, at)).filter(usable);
    if (values.length === 0) {
      band.mean.push(null);
      band.min.push(null);
      band.max.push(null);
    } else {
      let min = values[0]!;
      let max = values[0]!;
      // Math.min and Math.max order -0 below +0, so the band does not depend on which run came first.
      for (const v of values) {
        min = Math.min(min, v);
        max = Math.max(max, v);
      }
      band.mean.push(meanOf(values, min, max));
      band.min.push(min);
      band.max.push(max);
    }
    band.count.push(values.length);
  }
  return band;
}

/** How a group is named in a legend: `lr=0.01 · 3 runs`, or `lr unset · 1 run` for the runs without the param. */
export function groupLabel(key: string, group: RunGroup): string {
  const runs = `${group.members.length} ${group.members.length === 1 ? 'run' : 'runs'}`;
  return `${group.value === null ? `${key} unset` : `${key}=${group.value}`} · ${runs}`;
}
