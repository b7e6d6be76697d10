import { describe, expect, it } from 'vitest';
import { columnarPoints } from './columnar-batch.js';

const NOW = 1_700_000_000_000;

describe('columnarPoints', () => {
  it('turns series into points, reading non-finite values and filling in missing timestamps', () => {
    const points = columnarPoints(
      [
        { key: 'loss', steps: [0, 1], timestamps: [5, 6], values: [0.5, 'NaN'] },
        { key: 'lr', steps: [3], values: ['-Infinity'] },
      ],
      0,
      NOW,
    );
    expect(points).toEqual([
      { key: 'loss', step: 0, timestamp: 5, value: 0.5 },
      { key: 'loss', step: 1, timestamp: 6, value: Number.NaN },
      { key: 'lr', step: 3, timestamp: NOW, value: Number.NEGATIVE_INFINITY },
    ]);
  });

  it.each([
    [{ key: 'a', steps: [0, 1], values: [1] }, /series\[0\] \('a'\) has 2 steps but 1 values/],
    [{ key: 'a', steps: [0], timestamps: [1, 2], values: [1] }, /series\[0\] \('a'\) has 2 timestamps but 1 values/],
    [{ key: 'a', steps: [0, 1.5], values: [1, 2] }, /series\[0\] \('a'\) steps\[1\] must be an integer; got 1.5/],
    [{ key: 'a', steps: [0, '1'], values: [1, 2] }, /steps\[1\] must be an integer; got "1"/],
    [{ key: 'a', steps: [0, 1], values: [1, 'x'] }, /series\[0\] \('a'\) values\[1\] must be a number/],
    [{ key: 'a', steps: [0, 1], values: [1, null] }, /series\[0\] \('a'\) values\[1\] must be a number.*got null/],
    [{ key: 'a', steps: [0], timestamps: [-1], values: [1] }, /timestamps\[0\] must be milliseconds/],
    [{ key: '', steps: [0], values: [1] }, /series\[0\]\.key must not be empty/],
  ])('refuses %j naming the series and position', (series, message) => {
    expect(() => columnarPoints([series], 0, NOW)).toThrow(message);
  });

  it('refuses more points than a batch may hold, counting the row-shaped points sent beside them', () => {
    const steps = Array.from({ length: 6000 }, (_, i) => i);
    const series = { key: 'a', steps, values: steps };
    expect(() => columnarPoints([series, { ...series, key: 'b' }], 0, NOW)).toThrow(
      /at most 10000 metric points; got 12000/,
    );
    expect(() => columnarPoints([series], 4001, NOW)).toThrow(/got 10001/);
    expect(columnarPoints([series], 4000, NOW)).toHaveLength(6000);
  });
});
