import { invalid } from '../errors.js';

/** No traversal goes deeper than this, whatever the caller asks: it bounds the work of one query. */
export const MAX_DEPTH = 50;
export const DEFAULT_DEPTH = 10;

export interface DepthLimit {
  requested: number;
  applied: number;
  cap: number;
  capped: boolean;
}

export function depthLimit(raw: string | number | undefined, fallback = DEFAULT_DEPTH): DepthLimit {
  const requested = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isInteger(requested) || requested < 1) {
    throw invalid(`depth must be a positive integer; got '${raw}'`);
  }
  const applied = Math.min(requested, MAX_DEPTH);
  return { requested, applied, cap: MAX_DEPTH, capped: applied < requested };
}
