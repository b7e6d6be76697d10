import { describe, expect, it } from 'vitest';
import type { RecordedPoint } from '../spool/run-recorder.js';
import { MetricBatches } from './metric-batches.js';

const point = (step: number): RecordedPoint => ({ key: 'loss', value: step / 10, step, timestamp: 1000 + step });

describe('MetricBatches', () => {
  it('hands points over in order, in batches of at most maxPoints, and the rest at close', async () => {
    const batches: RecordedPoint[][] = [];
    const metrics = new MetricBatches(
      async (points) => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        batches.push(points);
      },
      () => {},
      { maxPoints: 3, intervalMs: 60_000 },
    );
    for (let step = 0; step < 7; step++) metrics.add([point(step)]);
    await metrics.close();
    expect(batches.map((b) => b.map((p) => p.step))).toEqual([[0, 1, 2], [3, 4, 5], [6]]);
  });

  it('sends what waits every interval, and reports a batch that fails without losing later ones', async () => {
    const recorded: number[] = [];
    const warnings: string[] = [];
    let calls = 0;
    const metrics = new MetricBatches(
      async (points) => {
        if (calls++ === 0) throw new Error('server gone');
        recorded.push(...points.map((p) => p.step));
      },
      (message) => warnings.push(message),
      { maxPoints: 100, intervalMs: 20 },
    );
    metrics.add([point(1)]);
    await new Promise((resolve) => setTimeout(resolve, 60));
    metrics.add([point(2)]);
    await metrics.close();
    expect(warnings).toEqual(['could not record 1 points of loss: server gone']);
    expect(recorded).toEqual([2]);
  });
});
