import type { WireNumber } from '../api/types.js';

/** The API sends non-finite metric values as strings; charts and sorting want numbers. */
export function toNumber(value: WireNumber): number {
  if (typeof value === 'number') return value;
  if (value === 'Infinity') return Number.POSITIVE_INFINITY;
  if (value === '-Infinity') return Number.NEGATIVE_INFINITY;
  return Number.NaN;
}

/** A param or tag value read as a number when it is one, so params can be plotted on numeric axes. */
export function numericOrNull(value: string | number | undefined | null): number | null {
  if (value === undefined || value === null || value === '') return null;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  const n = Number(value.trim());
  return Number.isFinite(n) ? n : null;
}
