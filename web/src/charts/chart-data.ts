import { fromWireNumber } from '../../../src/sdk/wire/non-finite.js';
import type { Metric } from '../api/types.js';
import { emaSmooth } from '../lib/ema.js';

export type XAxis = 'step' | 'time' | 'relative';

export interface SeriesPoints {
  x: number[];
  y: (number | null)[];
}

/** A value a chart cannot place on its y axis: NaN, or an infinity beyond either end. */
export type NonFiniteKind = 'nan' | '+inf' | '-inf';

export interface NonFiniteMark {
  x: number;
  kind: NonFiniteKind;
}

export const NON_FINITE_LABEL: Record<NonFiniteKind, string> = { nan: 'NaN', '+inf': '+∞', '-inf': '−∞' };

/**
 * The points of a series whose values are NaN or infinite, at their x: drawn as gaps, they are marked separately so
 * that they do not vanish without a trace. Where several points share an x the last one counts, as in toSeries.
 * `hiddenNaN` are NaN points a server-side sample had no room for (one per bucket): marked NaN where nothing else is.
 */
export function nonFiniteMarks(
  points: readonly Metric[],
  xAxis: XAxis,
  runStart: number,
  hiddenNaN: readonly Metric[] = [],
): NonFiniteMark[] {
  const lastAt = new Map<number, number>();
  for (const p of points) lastAt.set(xOf(p, xAxis, runStart), fromWireNumber(p.value));
  const marks: NonFiniteMark[] = [];
  for (const [x, value] of lastAt) {
    if (Number.isNaN(value)) marks.push({ x, kind: 'nan' });
    else if (value === Number.POSITIVE_INFINITY) marks.push({ x, kind: '+inf' });
    else if (value === Number.NEGATIVE_INFINITY) marks.push({ x, kind: '-inf' });
  }
  const marked = new Set(marks.map((m) => m.x));
  for (const p of hiddenNaN) {
    const x = xOf(p, xAxis, runStart);
    if (!marked.has(x)) {
      marked.add(x);
      marks.push({ x, kind: 'nan' });
    }
  }
  return marks.sort((a, b) => a.x - b.x);
}

const xOf = (p: Metric, xAxis: XAxis, runStart: number) =>
  xAxis === 'step' ? p.step : xAxis === 'time' ? p.timestamp : (p.timestamp - runStart) / 1000;

/**
 * One run's points as an x/y pair for the chosen x axis: step, wall-clock time (epoch ms) or seconds since the run
 * started. Points are sorted by x with duplicate x values collapsed to the last one, as uPlot requires; values a
 * log scale cannot show, and NaN or infinite values, become gaps (nonFiniteMarks says where the latter were).
 */
export function toSeries(
  points: readonly Metric[],
  xAxis: XAxis,
  runStart: number,
  options: { smoothing: number; logScale: boolean },
): SeriesPoints {
  const pairs = points.map((p) => {
    const x = xOf(p, xAxis, runStart);
    const value = fromWireNumber(p.value);
    const y = Number.isFinite(value) && (!options.logScale || value > 0) ? value : null;
    return { x, y };
  });
  pairs.sort((a, b) => a.x - b.x);
  const x: number[] = [];
  const y: (number | null)[] = [];
  for (const pair of pairs) {
    if (x.length > 0 && x[x.length - 1] === pair.x) y[y.length - 1] = pair.y;
    else {
      x.push(pair.x);
      y.push(pair.y);
    }
  }
  return { x, y: emaSmooth(y, options.smoothing) };
}

/**
 * Several runs' series on one shared x array (the union of their x values, with nulls where a run has no point),
 * which is the data layout uPlot draws from.
 */
export function alignSeries(series: readonly SeriesPoints[]): [number[], ...(number | null)[][]] {
  const xs = [...new Set(series.flatMap((s) => s.x))].sort((a, b) => a - b);
  const index = new Map(xs.map((x, i) => [x, i]));
  const ys = series.map((s) => {
    const column: (number | null)[] = new Array(xs.length).fill(null);
    s.x.forEach((x, i) => {
      column[index.get(x)!] = s.y[i] ?? null;
    });
    return column;
  });
  return [xs, ...ys];
}

/** A number of points close to the chart's width in pixels: more would be invisible, fewer would look coarse. */
export function pointsForWidth(width: number): number {
  const rounded = Math.ceil(Math.max(width, 100) / 100) * 100;
  return Math.min(Math.max(rounded, 200), 10_000);
}

/** Distinct, colour-blind-friendly series colours (Okabe–Ito plus a few), cycling for many runs. */
export const SERIES_COLORS = [
  '#0072B2',
  '#E69F00',
  '#009E73',
  '#CC79A7',
  '#D55E00',
  '#56B4E9',
  '#8a6d00',
  '#7f3fbf',
  '#2f8f8f',
  '#b22222',
];

export const colorFor = (index: number) => SERIES_COLORS[index % SERIES_COLORS.length]!;
