import { describe, expect, it } from 'vitest';
import { parseMetricLine } from './metric-line.js';

describe('parseMetricLine', () => {
  it('reads key=value pairs, taking step as the step', () => {
    expect(parseMetricLine('loss=0.31 step=12')).toEqual({ values: { loss: 0.31 }, step: 12 });
    expect(parseMetricLine('  acc=0.9, val/loss=1e-3 ')).toEqual({
      values: { acc: 0.9, 'val/loss': 0.001 },
      step: undefined,
    });
  });

  it('reads JSON object lines, keeping only numeric members', () => {
    expect(parseMetricLine('{"loss": 0.31, "step": 12, "phase": "train"}')).toEqual({
      values: { loss: 0.31 },
      step: 12,
    });
  });

  it('leaves ordinary output alone', () => {
    for (const line of [
      'epoch 3 loss=0.3',
      'loss=fast',
      'step=3',
      '{"step": 1}',
      '[1,2]',
      '{not json',
      '',
      'x='.repeat(6000),
      '=3',
    ]) {
      expect(parseMetricLine(line), line).toBeUndefined();
    }
  });

  it('does not take a fractional step as a step', () => {
    expect(parseMetricLine('loss=1 step=1.5')).toEqual({ values: { loss: 1, step: 1.5 }, step: undefined });
  });
});
