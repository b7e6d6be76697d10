import { describe, expect, it } from 'vitest';
import { downsampleMinMax, downsampleMinMaxIndices, type MetricPoint } from './downsample.js';

/** Points at steps 0, 1, 2, … with the given values; timestamps are distinct so identity mix-ups show. */
function series(values: readonly number[]): MetricPoint[] {
  return values.map((value, step) => ({ step, value, timestamp: 1_000 + step }));
}

/** Deterministic pseudo-random values in [-1, 1) so property tests are reproducible. */
function noise(count: number, seed: number): number[] {
  let state = seed >>> 0;
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out.push(state / 2 ** 31 - 1);
  }
  return out;
}

/** Points whose `value` getter counts reads, to check an algorithm touches each point a bounded number of times. */
function countingSeries(count: number): { points: MetricPoint[]; reads: () => number } {
  let reads = 0;
  const points: MetricPoint[] = [];
  for (let i = 0; i < count; i++) {
    const v = Math.sin(i / 50) + (i % 7);
    points.push({
      step: i,
      timestamp: i,
      get value() {
        reads++;
        return v;
      },
    });
  }
  return { points, reads: () => reads };
}

const steps = (points: readonly MetricPoint[]) => points.map((p) => p.step);

/** Output must be made of the input's own objects, in input order. */
function expectSubsequence(output: readonly MetricPoint[], input: readonly MetricPoint[]): void {
  let previous = -1;
  for (const point of output) {
    const index = input.indexOf(point);
    expect(index).toBeGreaterThan(previous);
    previous = index;
  }
}

describe('downsampleMinMax', () => {
  it('returns a copy when the input already fits', () => {
    const input = series([3, 1, 2]);
    for (const max of [3, 4, 1000]) {
      const out = downsampleMinMax(input, max);
      expect(out).not.toBe(input);
      expect(out).toEqual(input);
      expect(out[0]).toBe(input[0]);
    }
    expect(downsampleMinMax([], 10)).toEqual([]);
    expect(downsampleMinMax([], 0)).toEqual([]);
  });

  it('keeps only endpoints when maxPoints < 3', () => {
    const input = series([5, 9, -9, 7]);
    expect(downsampleMinMax(input, 0)).toEqual([]);
    expect(downsampleMinMax(input, -4)).toEqual([]);
    expect(downsampleMinMax(input, 1)).toEqual([input[0]]);
    expect(downsampleMinMax(input, 2)).toEqual([input[0], input[3]]);
  });

  it('keeps each bucket’s min and max in original order, plus the endpoints', () => {
    // Interior indices 1..8 form buckets [1..4] and [5..8]. In the second bucket the max comes before the min.
    const input = series([0, 5, 1, 9, 3, 8, 7, 2, 4, 6]);
    expect(steps(downsampleMinMax(input, 6))).toEqual([0, 2, 3, 5, 7, 9]);
    // An odd budget cannot fit another min/max pair.
    expect(steps(downsampleMinMax(input, 7))).toEqual([0, 2, 3, 5, 7, 9]);
  });

  it('emits one point when a bucket’s min and max coincide', () => {
    const input = series(Array.from({ length: 10 }, () => 4));
    expect(steps(downsampleMinMax(input, 6))).toEqual([0, 1, 5, 9]);
  });

  it('keeps the earliest of equal extremes', () => {
    const input = series([0, 2, 1, 2, 1, 0, 0, 0, 0, 0]);
    expect(steps(downsampleMinMax(input, 6)).slice(0, 3)).toEqual([0, 1, 2]);
  });

  it('ignores NaN when choosing min and max', () => {
    const input = series([0, Number.NaN, 5, Number.NaN, -5, 1, Number.NaN, Number.NaN, 2, 0]);
    expect(steps(downsampleMinMax(input, 6))).toEqual([0, 2, 4, 5, 8, 9]);
  });

  it('names the first NaN of each bucket it had no room for', () => {
    const nan = Number.NaN;
    const input = series([0, nan, 5, nan, -5, 1, nan, nan, 2, 0]);
    const hidden: number[] = [];
    downsampleMinMaxIndices(input.length, (i) => input[i]!.value, 6, hidden);
    // Buckets [1,5) and [5,9): each kept its min and max and left out a NaN.
    expect(hidden).toEqual([1, 6]);
  });

  it('keeps the first point of a bucket holding only NaNs', () => {
    const nan = Number.NaN;
    const input = series([0, nan, nan, nan, nan, 1, 3, 2, 0, 5]);
    const out = downsampleMinMax(input, 6);
    expect(steps(out)).toEqual([0, 1, 6, 8, 9]);
    expect(out[1]!.value).toBeNaN();
  });

  it('keeps NaN endpoints', () => {
    const input = series([Number.NaN, 1, 2, 3, 4, 5, 6, 7, 8, Number.NaN]);
    const out = downsampleMinMax(input, 4);
    expect(out[0]).toBe(input[0]);
    expect(out.at(-1)).toBe(input[9]);
  });

  it('handles a bucket holding only +Infinity', () => {
    const inf = Number.POSITIVE_INFINITY;
    expect(steps(downsampleMinMax(series([0, inf, inf, inf, inf, 1, 2, 3, 4, 0]), 6))).toEqual([0, 1, 5, 8, 9]);
  });

  it('treats infinities as extremes', () => {
    const input = series([0, 1, Number.POSITIVE_INFINITY, 2, 3, 4, Number.NEGATIVE_INFINITY, 5, 6, 0]);
    const values = downsampleMinMax(input, 6).map((p) => p.value);
    expect(values).toContain(Number.POSITIVE_INFINITY);
    expect(values).toContain(Number.NEGATIVE_INFINITY);
  });

  it('respects bounds, order and extremes across sizes and budgets', () => {
    for (const [n, max] of [
      [10, 3],
      [10, 4],
      [11, 5],
      [100, 9],
      [101, 10],
      [1000, 17],
      [5000, 1000],
      [999, 998],
    ] as const) {
      const input = series(noise(n, n * 31 + max));
      const out = downsampleMinMax(input, max);
      expect(out.length).toBeLessThanOrEqual(max);
      expect(out[0]).toBe(input[0]);
      expect(out.at(-1)).toBe(input.at(-1));
      expectSubsequence(out, input);
      if (max >= 4) {
        const values = out.map((p) => p.value);
        expect(values).toContain(Math.max(...input.map((p) => p.value)));
        expect(values).toContain(Math.min(...input.map((p) => p.value)));
      }
    }
  });

  it('uses the whole budget when it is even', () => {
    const input = series(noise(10_000, 7));
    expect(downsampleMinMax(input, 1000)).toHaveLength(1000);
  });

  it('keeps a single spike and dip among 1,000,000 points reduced to 1000', () => {
    const n = 1_000_000;
    const input: MetricPoint[] = new Array(n);
    for (let i = 0; i < n; i++) input[i] = { step: i * 2, value: Math.sin(i / 1000), timestamp: i };
    input[654_321]!.value = 1e9;
    input[123_457]!.value = -1e9;

    const out = downsampleMinMax(input, 1000);

    expect(out.length).toBeLessThanOrEqual(1000);
    expect(out).toContain(input[654_321]);
    expect(out).toContain(input[123_457]);
    expect(out[0]).toBe(input[0]);
    expect(out.at(-1)).toBe(input[n - 1]);
    for (let i = 1; i < out.length; i++) expect(out[i]!.step).toBeGreaterThan(out[i - 1]!.step);
    // Outputs are the input's own objects: nothing per point is allocated.
    for (const p of out) expect(p).toBe(input[p.step / 2]);
  });

  it('reads each value a bounded number of times (linear, no sorting)', () => {
    const { points, reads } = countingSeries(100_000);
    downsampleMinMax(points, 500);
    // One read per interior point; sorting or rescanning would need many more.
    expect(reads()).toBeLessThanOrEqual(points.length);
  });
});

describe('downsampleMinMaxIndices', () => {
  it('keeps exactly the positions downsampleMinMax keeps, reading values by position', () => {
    for (const [n, max] of [
      [0, 10],
      [5, 10],
      [10, 2],
      [101, 10],
      [5000, 1000],
    ] as const) {
      const values = noise(n, n + max);
      if (n > 3) values[3] = Number.NaN;
      const input = series(values);
      const typed = Float64Array.from(values);
      const expected = downsampleMinMax(input, max).map((p) => p.step);
      expect(downsampleMinMaxIndices(n, (i) => typed[i]!, max)).toEqual(expected);
    }
  });
});
