import { invalid } from '../errors.js';
import { DEFAULT_THRESHOLD, DEFAULT_WINDOW, MIN_HISTORY } from './anomaly-flags.js';

export interface DashboardOptions {
  /** Metric keys to chart; empty means the experiment's most-logged keys. */
  metrics: string[];
  window: number;
  threshold: number;
}

export const MAX_METRICS = 6;
/** Each run is scored against a sorted window per metric: a bound keeps 5,000 runs × 6 metrics well under a second. */
export const MAX_WINDOW = 200;
export const MAX_THRESHOLD = 1000;
const MAX_KEY_LENGTH = 250;

/** Reads the query as the dashboard route receives it; anything it cannot honour is refused, never guessed at. */
export function parseDashboardOptions(query: { metrics?: string; window?: string; z?: string }): DashboardOptions {
  const metrics = [
    ...new Set(
      (query.metrics ?? '')
        .split(',')
        .map((key) => key.trim())
        .filter((key) => key.length > 0),
    ),
  ];
  if (metrics.length > MAX_METRICS)
    throw invalid(`At most ${MAX_METRICS} metrics per dashboard; got ${metrics.length}`);
  const long = metrics.find((key) => key.length > MAX_KEY_LENGTH);
  if (long !== undefined) throw invalid(`A metric key is at most ${MAX_KEY_LENGTH} characters`);

  let window = DEFAULT_WINDOW;
  if (query.window !== undefined) {
    window = /^[0-9]{1,9}$/.test(query.window) ? Number(query.window) : Number.NaN;
    if (!(window >= MIN_HISTORY && window <= MAX_WINDOW)) {
      throw invalid(
        `window must be a whole number of runs from ${MIN_HISTORY} to ${MAX_WINDOW}; got '${query.window}'`,
      );
    }
  }

  let threshold = DEFAULT_THRESHOLD;
  if (query.z !== undefined) {
    threshold = /^[0-9]{1,6}(\.[0-9]{1,6})?$/.test(query.z) ? Number(query.z) : Number.NaN;
    if (!(threshold > 0 && threshold <= MAX_THRESHOLD)) {
      throw invalid(`z must be a number above 0 and at most ${MAX_THRESHOLD}; got '${query.z}'`);
    }
  }
  return { metrics, window, threshold };
}
