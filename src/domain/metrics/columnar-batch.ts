import { invalid } from '../errors.js';
import type { Metric } from '../tracking/entities.js';
import { LIMITS, validateKey } from '../tracking/limits.js';
import { parseMetricValue } from './metric-value.js';

/**
 * One series of a columnar batch: a key and its points as parallel arrays, half the bytes of the row shape on the
 * wire and far cheaper to parse. Values may be the strings "NaN", "Infinity" and "-Infinity" (see non-finite.ts);
 * timestamps default to the time the batch arrives.
 */
export interface ColumnarSeries {
  key: string;
  steps: readonly unknown[];
  timestamps?: readonly unknown[] | undefined;
  values: readonly unknown[];
}

/**
 * The points of columnar series, checked entry by entry before anything is stored: arrays of different lengths,
 * entries that are not numbers, steps or timestamps that are not integers, or more points than a batch may hold
 * are refused with the series and the position named.
 */
export function columnarPoints(series: readonly ColumnarSeries[], alreadyInBatch: number, now: number): Metric[] {
  let total = alreadyInBatch;
  for (const s of series) total += Array.isArray(s.values) ? s.values.length : 0;
  if (total > LIMITS.batchMetrics) {
    throw invalid(`A batch may hold at most ${LIMITS.batchMetrics} metric points; got ${total}`);
  }
  const points: Metric[] = [];
  series.forEach((s, n) => {
    const name = `series[${n}]`;
    validateKey(s.key, `${name}.key`);
    const where = `${name} ('${s.key}')`;
    const { steps, timestamps, values } = s;
    if (steps.length !== values.length) {
      throw invalid(`${where} has ${steps.length} steps but ${values.length} values; the arrays must be equally long`);
    }
    if (timestamps !== undefined && timestamps.length !== values.length) {
      throw invalid(
        `${where} has ${timestamps.length} timestamps but ${values.length} values; the arrays must be equally long`,
      );
    }
    for (let i = 0; i < values.length; i++) {
      const step = steps[i];
      if (typeof step !== 'number' || !Number.isSafeInteger(step)) {
        throw invalid(`${where} steps[${i}] must be an integer; got ${JSON.stringify(step)}`);
      }
      const timestamp = timestamps === undefined ? now : timestamps[i];
      if (typeof timestamp !== 'number' || !Number.isSafeInteger(timestamp) || timestamp < 0) {
        throw invalid(
          `${where} timestamps[${i}] must be milliseconds since the epoch (a non-negative integer); got ${JSON.stringify(timestamp)}`,
        );
      }
      const raw = values[i];
      let value: number;
      if (typeof raw === 'number') value = raw;
      else if (typeof raw === 'string') value = parseMetricValue(raw, `${where} values[${i}]`);
      else
        throw invalid(
          `${where} values[${i}] must be a number, "NaN", "Infinity" or "-Infinity"; got ${JSON.stringify(raw)}`,
        );
      points.push({ key: s.key, step, timestamp, value });
    }
  });
  return points;
}
