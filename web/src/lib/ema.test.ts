import { describe, expect, it } from 'vitest';
import { emaSmooth } from './ema.js';

describe('emaSmooth', () => {
  it('returns the data unchanged at weight 0', () => {
    expect(emaSmooth([1, 5, 2], 0)).toEqual([1, 5, 2]);
  });

  it('is debiased, so a constant series stays constant from the first point', () => {
    for (const v of emaSmooth([3, 3, 3, 3], 0.9)) expect(v).toBeCloseTo(3, 12);
  });

  it('averages with the given weight and passes gaps through', () => {
    const [a, gap, b] = emaSmooth([0, null, 10], 0.5);
    expect(a).toBe(0);
    expect(gap).toBeNull();
    // debiased: (0.5*0*0.5 + 0.5*10) / (1 - 0.25)
    expect(b).toBeCloseTo(5 / 0.75, 12);
  });
});
