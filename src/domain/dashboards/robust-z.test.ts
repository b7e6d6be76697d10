import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isOutlier, median, medianAbsoluteDeviation, robustZ } from './robust-z.js';

// Whole numbers, so shifting them is exact and the property tests the scoring, not floating-point rounding.
const finite = fc.integer({ min: -1e6, max: 1e6 });

describe('robust z-score', () => {
  it('takes the median and MAD of odd and even samples', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(medianAbsoluteDeviation([1, 2, 3, 4, 100])).toBe(1);
  });

  it('scores by 0.6745 (x - median) / MAD', () => {
    const score = robustZ(10, [1, 2, 3, 4, 5]);
    expect(score).toMatchObject({ median: 3, mad: 1, basis: 'mad' });
    expect(score.z).toBeCloseTo(0.6745 * 7, 10);
    expect(isOutlier(score, 3.5)).toBe(true);
    expect(isOutlier(robustZ(4, [1, 2, 3, 4, 5]), 3.5)).toBe(false);
  });

  it('falls back to the mean absolute deviation when the MAD is zero', () => {
    const score = robustZ(2, [1, 1, 1, 1, 3]);
    expect(score.mad).toBe(0);
    expect(score.basis).toBe('mean_absolute_deviation');
    expect(score.z).toBeCloseTo(1 / (1.253314 * 0.4), 10);
  });

  it('gives no finite score to a different value against a history without spread', () => {
    expect(robustZ(5, [2, 2, 2])).toMatchObject({ z: null, basis: 'none' });
    expect(isOutlier(robustZ(5, [2, 2, 2]), 1000)).toBe(true);
    expect(robustZ(2, [2, 2, 2])).toMatchObject({ z: 0, basis: 'none' });
  });

  it('lies between the extremes, and does not move when values shift together', () => {
    fc.assert(
      fc.property(fc.array(finite, { minLength: 1, maxLength: 40 }), finite, (values, shift) => {
        const m = median(values);
        expect(m).toBeGreaterThanOrEqual(Math.min(...values));
        expect(m).toBeLessThanOrEqual(Math.max(...values));
        const a = robustZ(values[0]!, values);
        const b = robustZ(
          values[0]! + shift,
          values.map((v) => v + shift),
        );
        if (a.z === null || b.z === null) expect(a.z).toBe(b.z);
        else expect(b.z).toBeCloseTo(a.z, 9);
      }),
    );
  });

  it('is not moved by one wild value in the history, unlike a standard deviation', () => {
    fc.assert(
      fc.property(fc.double({ min: 1e3, max: 1e9, noNaN: true }), (wild) => {
        const history = [1, 2, 3, 4, 5, 6, 7, 8, 9, wild];
        expect(robustZ(30, history).mad).toBeLessThanOrEqual(3);
        expect(isOutlier(robustZ(30, history), 3.5)).toBe(true);
      }),
    );
  });
});
