import { describe, expect, it } from 'vitest';
import { DEFAULT_COLUMNS } from './columns.js';
import { defaultColumns } from './default-columns.js';

describe('defaultColumns', () => {
  it('is the run attributes alone until the experiment keys are known', () => {
    expect(defaultColumns(undefined)).toEqual(DEFAULT_COLUMNS);
  });

  it('adds the main metrics and params, plain keys first, leaving out system metrics', () => {
    const columns = defaultColumns({
      metrics: ['system/cpu_utilization_percentage', 'val/acc', 'loss', 'accuracy', 'eval.f1', 'auc', 'zeta'],
      params: ['optimizer.beta1', 'lr', 'batch_size', 'epochs', 'optimizer', 'seed'],
      tags: ['team'],
    });
    expect(columns).toEqual([
      ...DEFAULT_COLUMNS,
      'metrics.accuracy',
      'metrics.auc',
      'metrics.loss',
      'metrics.zeta',
      'params.batch_size',
      'params.epochs',
      'params.lr',
      'params.optimizer',
    ]);
  });

  it('takes what there is when an experiment has few keys', () => {
    expect(defaultColumns({ metrics: ['system/gpu_0_memory_usage_megabytes'], params: ['lr'], tags: [] })).toEqual([
      ...DEFAULT_COLUMNS,
      'params.lr',
    ]);
  });
});
