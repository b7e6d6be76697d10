import { invalid } from '../errors.js';

/**
 * Metric values travel as JSON numbers, or as the strings MLflow's client sends for values JSON cannot hold.
 * Anything else (e.g. "x") is refused rather than silently stored as NaN.
 */
export type WireMetricValue = number | string;

export function parseMetricValue(raw: WireMetricValue, field: string): number {
  if (typeof raw === 'number') return raw;
  switch (raw.trim()) {
    case 'NaN':
    case 'nan':
      return Number.NaN;
    case 'Infinity':
    case 'inf':
    case '+Infinity':
      return Number.POSITIVE_INFINITY;
    case '-Infinity':
    case '-inf':
      return Number.NEGATIVE_INFINITY;
  }
  const trimmed = raw.trim();
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(trimmed)) return Number(trimmed);
  throw invalid(`${field} must be a number, "NaN", "Infinity" or "-Infinity"; got ${JSON.stringify(raw)}`);
}

/** JSON cannot carry NaN or infinities: render them as the strings clients send. */
export function metricValueToWire(value: number): number | string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return 'Infinity';
  if (value === Number.NEGATIVE_INFINITY) return '-Infinity';
  return value;
}
