import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { aggregateGroup, groupByParam, groupLabel, type RunSeries, valueAt } from './run-groups.js';

/** A run's series: distinct ascending x values, each with a value that may be null, NaN or infinite. */
const runSeries = fc.uniqueArray(fc.integer({ min: -50, max: 200 }), { minLength: 1, maxLength: 30 }).chain((xs) => {
  const x = [...xs].sort((a, b) => a - b);
  const y = fc.oneof(
    { weight: 8, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }) },
    { weight: 1, arbitrary: fc.constantFrom(null, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY) },
  );
  return fc.array(y, { minLength: x.length, maxLength: x.length }).map((ys): RunSeries => ({ x, y: ys }));
});

describe('grouping runs by a param', () => {
  it('puts runs with the same value together, numeric values in numeric order, runs without it last', () => {
    const groups = groupByParam([{ lr: '0.1' }, { lr: '0.01' }, {}, { lr: '0.1' }, undefined, { lr: '2' }], 'lr');
    expect(groups).toEqual([
      { value: '0.01', members: [1] },
      { value: '0.1', members: [0, 3] },
      { value: '2', members: [5] },
      { value: null, members: [2, 4] },
    ]);
    expect(groupLabel('lr', groups[1]!)).toBe('lr=0.1 · 2 runs');
    expect(groupLabel('lr', groups[3]!)).toBe('lr unset · 2 runs');
  });

  it('orders text values as text, and keeps an empty value apart from a missing one', () => {
    const groups = groupByParam([{ opt: 'sgd' }, { opt: 'adam' }, { opt: '' }, { opt: '10' }, {}], 'opt');
    expect(groups.map((g) => g.value)).toEqual(['', '10', 'adam', 'sgd', null]);
  });

  it('does not take inherited properties for params', () => {
    expect(groupByParam([{}], 'constructor')).toEqual([{ value: null, members: [0] }]);
  });
});

describe('aggregating a group', () => {
  it('takes mean, min and max of the runs at each step', () => {
    const band = aggregateGroup([
      { x: [0, 1, 2], y: [1, 2, 3] },
      { x: [0, 1, 2], y: [3, 4, 5] },
      { x: [0, 1, 2], y: [2, 0, 4] },
    ]);
    expect(band).toEqual({ x: [0, 1, 2], mean: [2, 2, 4], min: [1, 0, 3], max: [3, 4, 5], count: [3, 3, 3] });
  });

  it('interpolates a run between its neighbours at steps it did not log, and leaves it out beyond its ends', () => {
    const band = aggregateGroup([
      { x: [0, 10, 20, 30], y: [0, 10, 20, 30] },
      { x: [0, 20], y: [100, 80] },
    ]);
    expect(band.x).toEqual([0, 10, 20, 30]);
    expect(band.count).toEqual([2, 2, 2, 1]);
    expect(band.min).toEqual([0, 10, 20, 30]);
    expect(band.max).toEqual([100, 90, 80, 30]);
    expect(band.mean).toEqual([50, 50, 50, 30]);
  });

  it('leaves NaN, infinite and missing values out instead of spreading them', () => {
    const band = aggregateGroup([
      { x: [0, 1, 2, 3], y: [Number.NaN, 1, Number.POSITIVE_INFINITY, 5] },
      { x: [0, 1, 2, 3], y: [2, Number.NEGATIVE_INFINITY, null, 7] },
    ]);
    expect(band.count).toEqual([1, 1, 0, 2]);
    expect(band.mean).toEqual([2, 1, null, 6]);
    expect(band.min).toEqual([2, 1, null, 5]);
    expect(band.max).toEqual([2, 1, null, 7]);
    // Nor is a non-finite neighbour interpolated across.
    expect(valueAt({ x: [0, 2], y: [Number.NaN, 4] }, 1)).toBeNull();
  });

  it('keeps the mean of huge values finite and of equal values equal to them', () => {
    const huge = Number.MAX_VALUE;
    expect(
      aggregateGroup([
        { x: [0], y: [huge] },
        { x: [0], y: [huge] },
      ]).mean,
    ).toEqual([huge]);
    const tenth = aggregateGroup([0, 1, 2].map(() => ({ x: [0], y: [0.1] })));
    expect(tenth.mean).toEqual([0.1]);
  });

  it('gives the same band whichever run holds +0 and which -0', () => {
    const zero = { x: [0], y: [0] };
    const negativeZero = { x: [0], y: [-0] };
    for (const band of [aggregateGroup([zero, negativeZero]), aggregateGroup([negativeZero, zero])]) {
      expect(Object.is(band.min[0], -0)).toBe(true);
      expect(Object.is(band.max[0], 0)).toBe(true);
    }
  });

  it('has the mean within [min, max] and the count of runs with a value, everywhere', () => {
    fc.assert(
      fc.property(fc.array(runSeries, { minLength: 1, maxLength: 6 }), (series) => {
        const band = aggregateGroup(series);
        band.x.forEach((x, i) => {
          const present = series.map((s) => valueAt(s, x)).filter((v) => v !== null);
          expect(band.count[i]).toBe(present.length);
          if (present.length === 0) {
            expect([band.mean[i], band.min[i], band.max[i]]).toEqual([null, null, null]);
          } else {
            expect(Number.isFinite(band.mean[i])).toBe(true);
            expect(band.min[i]!).toBeLessThanOrEqual(band.mean[i]!);
            expect(band.mean[i]!).toBeLessThanOrEqual(band.max[i]!);
            expect(band.min[i]).toBe(Math.min(...present));
            expect(band.max[i]).toBe(Math.max(...present));
          }
        });
      }),
    );
  });

  it('gives back the run itself for a group of one', () => {
    fc.assert(
      fc.property(runSeries, (run) => {
        const band = aggregateGroup([run]);
        const expected = run.y.map((y) => (y !== null && Number.isFinite(y) ? y : null));
        expect(band.x).toEqual(run.x);
        expect(band.mean).toEqual(expected);
        expect(band.min).toEqual(expected);
        expect(band.max).toEqual(expected);
      }),
    );
  });

  it('does not depend on the order of the runs', () => {
    fc.assert(
      fc.property(fc.array(runSeries, { minLength: 2, maxLength: 5 }), (series) => {
        const forward = aggregateGroup(series);
        const backward = aggregateGroup([...series].reverse());
        expect(backward.x).toEqual(forward.x);
        expect(backward.min).toEqual(forward.min);
        expect(backward.max).toEqual(forward.max);
        expect(backward.count).toEqual(forward.count);
        backward.mean.forEach((m, i) => {
          const f = forward.mean[i]!;
          if (m === null) expect(forward.mean[i]).toBeNull();
          // Summed in another order, values of opposite sign round differently: equal up to that rounding.
          else {
            const scale = Math.max(Math.abs(forward.min[i]!), Math.abs(forward.max[i]!));
            expect(Math.abs(m - f)).toBeLessThanOrEqual(scale * 1e-12);
          }
        });
      }),
    );
  });
});
