import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { flagAnomalies, type MetricPoint } from './anomaly-flags.js';

const options = { window: 5, threshold: 3.5, minHistory: 5 };
const point = (i: number, value: number, finished = true): MetricPoint => ({
  runId: `r${String(i).padStart(3, '0')}`,
  startTime: 1_000 * i,
  value,
  finished,
});

describe('anomaly flags', () => {
  it('flags a planted outlier and names its evidence', () => {
    const points = [0.8, 0.81, 0.79, 0.8, 0.82, 0.2, 0.8].map((v, i) => point(i, v));
    const flags = flagAnomalies('acc', points, options);
    expect(flags.map((f) => f.runId)).toEqual(['r005']);
    expect(flags[0]).toMatchObject({ metric: 'acc', value: 0.2, median: 0.8, threshold: 3.5 });
    expect(flags[0]!.mad).toBeCloseTo(0.01, 10);
    expect(flags[0]!.windowRunIds).toEqual(['r000', 'r001', 'r002', 'r003', 'r004']);
    expect(flags[0]!.z!).toBeLessThan(-3.5);
  });

  it('judges nothing before enough finished runs, and never counts an unfinished run into the history', () => {
    const early = [1, 1, 1, 9].map((v, i) => point(i, v));
    expect(flagAnomalies('m', early, options)).toEqual([]);
    const withRunning = [1, 2, 3, 4, point(4, 1000, false), 3, 100].map((p, i) =>
      typeof p === 'number' ? point(i, p) : p,
    );
    const flags = flagAnomalies('m', withRunning, options);
    // The running run is judged (against four finished runs: too few) and is left out of the last run's window.
    expect(flags.map((f) => f.runId)).toEqual(['r006']);
    expect(flags[0]!.windowRunIds).not.toContain('r004');
  });

  it('windows over the most recent runs only', () => {
    // A level shift: once the window holds only the new level, the new level is normal again.
    const values = [
      ...Array(5)
        .fill(0)
        .map((_, i) => 1 + i * 0.01),
      ...Array(8)
        .fill(0)
        .map((_, i) => 50 + i * 0.01),
    ];
    const flags = flagAnomalies(
      'm',
      values.map((v, i) => point(i, v)),
      options,
    );
    expect(flags.map((f) => f.runId)).toEqual(['r005', 'r006', 'r007']);
  });

  it('does not depend on the order rows arrive in', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -100, max: 100, noNaN: true }), { minLength: 0, maxLength: 30 }),
        fc.integer(),
        (values, seed) => {
          const points = values.map((v, i) => point(i, v));
          const shuffled = [...points].sort(
            (a, b) => ((a.startTime * 7919 + seed) % 31) - ((b.startTime * 7919 + seed) % 31),
          );
          expect(flagAnomalies('m', shuffled, options)).toEqual(flagAnomalies('m', points, options));
        },
      ),
    );
  });

  it('never flags a run whose value equals the median of its window', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -100, max: 100, noNaN: true }), { minLength: 5, maxLength: 5 }),
        (history) => {
          const sorted = [...history].sort((a, b) => a - b);
          const points = [...history.map((v, i) => point(i, v)), point(5, sorted[2]!)];
          expect(flagAnomalies('m', points, options).map((f) => f.runId)).not.toContain('r005');
        },
      ),
    );
  });
});
