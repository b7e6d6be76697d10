import type { WireNumber } from '../../sdk/wire/non-finite.js';
import { invalid } from '../errors.js';

/**
 * Metric values a client sends: JSON numbers, or the strings MLflow's clients use for values JSON cannot hold, in
 * more spellings than the API itself writes (see toWireNumber). Anything else (e.g. "x") is refused rather than
 * silently stored as NaN.
 */
export function parseMetricValue(raw: WireNumber, field: string): number {
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
