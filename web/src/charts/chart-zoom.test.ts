import { describe, expect, it } from 'vitest';
import { describeZoom, stepsToFetch, zoomFromSelection } from './chart-zoom.js';

describe('chart zoom', () => {
  it('snaps a step selection to the nearest whole steps, in order, at least one step wide', () => {
    expect(zoomFromSelection('step', 100_000.4, 99_999.6 + 400.3)).toEqual({
      axis: 'step',
      min: 100_000,
      max: 100_400,
    });
    expect(zoomFromSelection('step', 12.7, 3.2)).toEqual({ axis: 'step', min: 3, max: 13 });
    expect(zoomFromSelection('step', 7.1, 7.3)).toEqual({ axis: 'step', min: 7, max: 8 });
    expect(zoomFromSelection('step', -5.6, -2.4)).toEqual({ axis: 'step', min: -6, max: -2 });
  });

  it('keeps a time selection as dragged, only ordered', () => {
    expect(zoomFromSelection('time', 2_000.5, 1_000.25)).toEqual({ axis: 'time', min: 1_000.25, max: 2_000.5 });
    expect(zoomFromSelection('relative', 0.5, 9.75)).toEqual({ axis: 'relative', min: 0.5, max: 9.75 });
  });

  it('fetches detail only for a zoom on steps', () => {
    expect(stepsToFetch(null)).toBeUndefined();
    expect(stepsToFetch({ axis: 'step', min: 10, max: 20 })).toEqual({ startStep: 10, endStep: 20 });
    expect(stepsToFetch({ axis: 'time', min: 10, max: 20 })).toBeUndefined();
    expect(stepsToFetch({ axis: 'relative', min: 10, max: 20 })).toBeUndefined();
  });

  it('describes the zoomed range in the units of its axis', () => {
    expect(describeZoom({ axis: 'step', min: 100_000, max: 100_400 })).toBe(
      `steps ${(100_000).toLocaleString()}–${(100_400).toLocaleString()}`,
    );
    expect(describeZoom({ axis: 'relative', min: 5, max: 90 })).toBe('elapsed 5.0s – 1m 30s');
  });
});
