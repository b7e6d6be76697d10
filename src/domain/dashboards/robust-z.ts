/**
 * Robust z-scores (Iglewicz and Hoaglin): distance from the median in units of the median absolute deviation, so a
 * single wild run cannot hide itself by inflating the spread the way it would inflate a standard deviation.
 */

/** Scales a MAD so that, for normally distributed data, the robust z-score matches the ordinary one. */
export const MAD_SCALE = 0.6745;
/** Scales a mean absolute deviation the same way; used only when more than half the values are equal (MAD = 0). */
export const MEAN_AD_SCALE = 1.253314;

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError('median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Median absolute deviation from the median. */
export function medianAbsoluteDeviation(values: readonly number[], center = median(values)): number {
  return median(values.map((v) => Math.abs(v - center)));
}

/**
 * How the spread was measured: by the MAD; by the mean absolute deviation when the MAD is zero (most values equal,
 * yet not all); or not at all when every value is the same, where any different value is infinitely far.
 */
export type SpreadBasis = 'mad' | 'mean_absolute_deviation' | 'none';

export interface RobustScore {
  median: number;
  mad: number;
  /** Null when the history has no spread at all and the value differs from it: no finite score describes that. */
  z: number | null;
  basis: SpreadBasis;
}

/** Scores `value` against `history` (at least one value). */
export function robustZ(value: number, history: readonly number[]): RobustScore {
  const center = median(history);
  const mad = medianAbsoluteDeviation(history, center);
  if (mad > 0) return { median: center, mad, z: (MAD_SCALE * (value - center)) / mad, basis: 'mad' };
  const meanAd = history.reduce((sum, v) => sum + Math.abs(v - center), 0) / history.length;
  if (meanAd > 0) {
    return { median: center, mad, z: (value - center) / (MEAN_AD_SCALE * meanAd), basis: 'mean_absolute_deviation' };
  }
  return { median: center, mad, z: value === center ? 0 : null, basis: 'none' };
}

/** Whether a score lies beyond the threshold; an unbounded score (z null) always does. */
export function isOutlier(score: RobustScore, threshold: number): boolean {
  return score.z === null || Math.abs(score.z) > threshold;
}
