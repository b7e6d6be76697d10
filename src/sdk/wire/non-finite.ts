/**
 * JSON has no NaN or infinities, so the native API carries them as the strings "NaN", "Infinity" and "-Infinity", in
 * both directions. The server, the SDK and the web UI all read and write them through these two functions.
 */
export type WireNumber = number | string;

export function toWireNumber(value: number): WireNumber {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return 'Infinity';
  if (value === Number.NEGATIVE_INFINITY) return '-Infinity';
  return value;
}

/** The inverse of toWireNumber; any string but the two infinities reads as NaN. */
export function fromWireNumber(value: WireNumber): number {
  if (typeof value === 'number') return value;
  if (value === 'Infinity') return Number.POSITIVE_INFINITY;
  if (value === '-Infinity') return Number.NEGATIVE_INFINITY;
  return Number.NaN;
}
