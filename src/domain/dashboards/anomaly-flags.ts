import { isOutlier, type RobustScore, robustZ, type SpreadBasis } from './robust-z.js';

/** One run's latest value of one metric, placed in time by the run's start. */
export interface MetricPoint {
  runId: string;
  startTime: number;
  value: number;
  /** Only finished runs make up the distribution later runs are judged against; every run is judged. */
  finished: boolean;
}

export interface AnomalyOptions {
  /** How many earlier finished runs make up the distribution. */
  window: number;
  /** |z| above this is an anomaly. */
  threshold: number;
  /** Fewer earlier finished runs than this and a run is not judged: a median of two says little. */
  minHistory: number;
}

export const DEFAULT_WINDOW = 20;
export const DEFAULT_THRESHOLD = 3.5;
export const MIN_HISTORY = 5;

export interface AnomalyFlag {
  runId: string;
  metric: string;
  value: number;
  startTime: number;
  median: number;
  mad: number;
  z: number | null;
  basis: SpreadBasis;
  threshold: number;
  /** How many earlier runs the median and MAD were taken over, and which: the evidence behind the flag. */
  windowRunIds: string[];
}

/**
 * Judges each point against the `window` finished runs that started before it (ties broken by run id, so the order,
 * and so the flags, do not depend on how the database returned the rows).
 */
export function flagAnomalies(metric: string, points: readonly MetricPoint[], options: AnomalyOptions): AnomalyFlag[] {
  const ordered = [...points].sort((a, b) => a.startTime - b.startTime || (a.runId < b.runId ? -1 : 1));
  const flags: AnomalyFlag[] = [];
  const history: MetricPoint[] = [];
  for (const point of ordered) {
    const window = history.slice(-options.window);
    if (window.length >= options.minHistory) {
      const score: RobustScore = robustZ(
        point.value,
        window.map((p) => p.value),
      );
      if (isOutlier(score, options.threshold)) {
        flags.push({
          runId: point.runId,
          metric,
          value: point.value,
          startTime: point.startTime,
          ...score,
          threshold: options.threshold,
          windowRunIds: window.map((p) => p.runId),
        });
      }
    }
    if (point.finished) history.push(point);
  }
  return flags;
}
