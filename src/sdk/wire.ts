import type { Metric, Run } from './types.js';

/** JSON has no NaN or infinities; the API carries them as these strings, in both directions. */
export type WireValue = number | string;

export function toWireValue(value: number): WireValue {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return 'Infinity';
  if (value === Number.NEGATIVE_INFINITY) return '-Infinity';
  return value;
}

export function fromWireValue(value: WireValue): number {
  if (typeof value === 'number') return value;
  if (value === 'Infinity') return Number.POSITIVE_INFINITY;
  if (value === '-Infinity') return Number.NEGATIVE_INFINITY;
  return Number(value);
}

export interface WireMetric {
  key: string;
  value: WireValue;
  step: number;
  timestamp: number;
}

export const readMetric = (metric: WireMetric): Metric => ({ ...metric, value: fromWireValue(metric.value) });

export type WireRun = Omit<Run, 'metrics'> & { metrics: WireMetric[] };

export const readRun = (run: WireRun): Run => ({ ...run, metrics: run.metrics.map(readMetric) });
