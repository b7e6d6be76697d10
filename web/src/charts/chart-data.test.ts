import { describe, expect, it } from 'vitest';
import { alignSeries, nonFiniteMarks, pointsForWidth, toSeries } from './chart-data.js';

const point = (step: number, value: number | string, timestamp = 1000 + step * 10) => ({
  key: 'loss',
  step,
  value,
  timestamp,
});

describe('chart data', () => {
  it('maps points to the chosen x axis, sorted, with non-finite values as gaps', () => {
    const points = [point(2, 0.5), point(0, 2), point(1, 'NaN')];
    const plain = { smoothing: 0, logScale: false };
    expect(toSeries(points, 'step', 0, plain)).toEqual({ x: [0, 1, 2], y: [2, null, 0.5] });
    expect(toSeries(points, 'time', 0, plain).x).toEqual([1000, 1010, 1020]);
    expect(toSeries(points, 'relative', 1000, plain).x).toEqual([0, 0.01, 0.02]);
  });

  it('marks NaN points a sample left out, unless another mark stands at their x', () => {
    const points = [point(0, 1), point(5, 'Infinity'), point(9, 2)];
    const hidden = [point(3, 'NaN'), point(5, 'NaN')];
    expect(nonFiniteMarks(points, 'step', 0, hidden)).toEqual([
      { x: 3, kind: 'nan' },
      { x: 5, kind: '+inf' },
    ]);
  });

  it('finds NaN and infinite points, at their x, the last of a shared x counting', () => {
    const points = [
      point(3, '-Infinity'),
      point(0, 1),
      point(1, 'NaN'),
      point(2, 'Infinity'),
      point(4, 'NaN'),
      point(4, 2),
    ];
    expect(nonFiniteMarks(points, 'step', 0)).toEqual([
      { x: 1, kind: 'nan' },
      { x: 2, kind: '+inf' },
      { x: 3, kind: '-inf' },
    ]);
    expect(nonFiniteMarks(points, 'time', 0).map((m) => m.x)).toEqual([1010, 1020, 1030]);
  });

  it('drops values a log scale cannot show and collapses duplicate x values', () => {
    const series = toSeries([point(0, 0), point(1, -1), point(1, 3), point(2, 4)], 'step', 0, {
      smoothing: 0,
      logScale: true,
    });
    expect(series).toEqual({ x: [0, 1, 2], y: [null, 3, 4] });
  });

  it('aligns several series on the union of their x values', () => {
    expect(
      alignSeries([
        { x: [0, 2], y: [1, 2] },
        { x: [1, 2], y: [5, 6] },
      ]),
    ).toEqual([
      [0, 1, 2],
      [1, null, 2],
      [null, 5, 6],
    ]);
  });

  it('asks for about one point per pixel within the server limit', () => {
    expect(pointsForWidth(0)).toBe(200);
    expect(pointsForWidth(731)).toBe(800);
    expect(pointsForWidth(50_000)).toBe(10_000);
  });
});
