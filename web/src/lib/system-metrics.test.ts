import { describe, expect, it } from 'vitest';
import { splitSystemMetrics } from './system-metrics.js';

describe('splitSystemMetrics', () => {
  it('puts system/* keys apart from the model metrics, each sorted', () => {
    expect(
      splitSystemMetrics(['loss', 'system/memory_usage_megabytes', 'accuracy', 'system/cpu_utilization_percentage']),
    ).toEqual({
      model: ['accuracy', 'loss'],
      system: ['system/cpu_utilization_percentage', 'system/memory_usage_megabytes'],
    });
  });

  it('keeps a key that only mentions system elsewhere among the model metrics', () => {
    expect(splitSystemMetrics(['eval/system/latency', 'systemic_error'])).toEqual({
      model: ['eval/system/latency', 'systemic_error'],
      system: [],
    });
  });
});
