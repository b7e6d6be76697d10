import { describe, expect, it } from 'vitest';
import { flagsOfFinishedRun } from './finished-run-anomalies.js';

const options = { window: 5, threshold: 3.5, minHistory: 5 };
const history = (values: number[]) => values.map((value, i) => ({ runId: `h${i}`, startTime: i * 1000, value }));
const run = { runId: 'new', startTime: 99_000 };

describe('flags of a finished run', () => {
  it('flags each metric lying outside its window, with the evidence, and leaves normal metrics alone', () => {
    const flags = flagsOfFinishedRun(
      run,
      [
        { metric: 'loss', value: 0.5, history: history([0.5, 0.51, 0.49, 0.5, 0.52]) },
        { metric: 'acc', value: 0.2, history: history([0.8, 0.81, 0.79, 0.8, 0.82, 0.8, 0.8]) },
      ],
      options,
    );
    expect(flags.map((f) => f.metric)).toEqual(['acc']);
    expect(flags[0]).toMatchObject({ runId: 'new', value: 0.2, median: 0.8, threshold: 3.5 });
    // The newest five earlier runs make up the window.
    expect(flags[0]!.windowRunIds).toEqual(['h2', 'h3', 'h4', 'h5', 'h6']);
  });

  it('judges nothing with too short a history', () => {
    expect(flagsOfFinishedRun(run, [{ metric: 'acc', value: 100, history: history([1, 1, 1, 1]) }], options)).toEqual(
      [],
    );
  });

  it('agrees with the dashboard: the same run, metric and history give the same flag', () => {
    const values = [3, 3.1, 2.9, 3, 3.05, 2.95, 9];
    const earlier = history(values.slice(0, -1));
    const [flag] = flagsOfFinishedRun(
      { runId: 'h6', startTime: 6000 },
      [{ metric: 'm', value: 9, history: earlier }],
      options,
    );
    expect(flag).toMatchObject({ runId: 'h6', metric: 'm', value: 9, median: 3 });
    expect(flag!.windowRunIds).toEqual(['h1', 'h2', 'h3', 'h4', 'h5']);
  });
});
