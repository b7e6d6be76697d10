/** A param or tag value read as a number when it is one, so params can be plotted on numeric axes. */
export function numericOrNull(value: string | number | undefined | null): number | null {
  if (value === undefined || value === null || value === '') return null;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  const n = Number(value.trim());
  return Number.isFinite(n) ? n : null;
}
