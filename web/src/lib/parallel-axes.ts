import { numericOrNull } from './numeric-or-null.js';

/**
 * Axes of a parallel-coordinates plot. A numeric axis maps values linearly between its min and max; a categorical
 * axis spaces its distinct values evenly in sorted order. Every value becomes a position in [0, 1] or null.
 */
export interface Axis {
  id: string;
  label: string;
  kind: 'numeric' | 'categorical';
  min: number;
  max: number;
  categories: string[];
  position(value: string | number | null | undefined): number | null;
  /** Tick labels with their positions, for drawing. */
  ticks: { at: number; label: string }[];
}

export function buildAxis(id: string, label: string, values: readonly (string | number | null | undefined)[]): Axis {
  const present = values.filter((v): v is string | number => v !== null && v !== undefined && v !== '');
  const numbers = present.map(numericOrNull);
  const numeric = present.length > 0 && numbers.every((n) => n !== null);
  if (numeric) {
    const nums = numbers as number[];
    const min = Math.min(...nums);
    const max = Math.max(...nums);
    const span = max - min;
    const position = (value: string | number | null | undefined) => {
      const n = numericOrNull(value);
      if (n === null) return null;
      return span === 0 ? 0.5 : (n - min) / span;
    };
    const ticks =
      span === 0
        ? [{ at: 0.5, label: String(min) }]
        : [0, 0.25, 0.5, 0.75, 1].map((at) => ({ at, label: String(Number((min + at * span).toPrecision(4))) }));
    return { id, label, kind: 'numeric', min, max, categories: [], position, ticks };
  }
  const categories = [...new Set(present.map(String))].sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
  const at = (index: number) => (categories.length === 1 ? 0.5 : index / (categories.length - 1));
  const position = (value: string | number | null | undefined) => {
    if (value === null || value === undefined || value === '') return null;
    const index = categories.indexOf(String(value));
    return index === -1 ? null : at(index);
  };
  return {
    id,
    label,
    kind: 'categorical',
    min: 0,
    max: Math.max(categories.length - 1, 0),
    categories,
    position,
    ticks: categories.map((c, i) => ({ at: at(i), label: c })),
  };
}

/** Whether a parameter is worth an axis: it must differ between at least two of the compared runs. */
export function varies(values: readonly (string | number | null | undefined)[]): boolean {
  return new Set(values.map((v) => (v === undefined ? null : v))).size > 1;
}
