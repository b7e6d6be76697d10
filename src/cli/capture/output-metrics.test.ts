import { describe, expect, it } from 'vitest';
import { OutputMetrics } from './output-metrics.js';

describe('OutputMetrics', () => {
  it('logs metric lines split across chunks, numbering lines without a step by their position', () => {
    const points: [string, number, number][] = [];
    const reader = new OutputMetrics((key, value, step) => points.push([key, value, step]));
    reader.push('epoch 1 starting\nloss=0.9');
    reader.push('\n{"loss": 0.5, "acc": 0.7}\nloss=0.1 step=40\nacc=');
    reader.push('0.99');
    reader.end();
    expect(points).toEqual([
      ['loss', 0.9, 0],
      ['loss', 0.5, 1],
      ['acc', 0.7, 1],
      ['loss', 0.1, 40],
      ['acc', 0.99, 3],
    ]);
    expect(reader.points).toBe(5);
  });
});
