import { describe, expect, it } from 'vitest';
import {
  type CandidateExperiment,
  type CandidateRun,
  defaultMetric,
  higherIsBetter,
  similarityOf,
  suggestParams,
} from './param-suggestions.js';

const profile = (datasets: string[], taskType: string | null, tags: Record<string, string> = {}) => ({
  datasets,
  taskType,
  tags,
});
const run = (runId: string, experimentId: string, params: Record<string, string>, metrics: Record<string, number>) =>
  ({ runId, runName: `name-${runId}`, experimentId, params, metrics }) satisfies CandidateRun;

describe('metric direction', () => {
  it('minimizes losses and errors and maximizes the rest', () => {
    expect(higherIsBetter('auc')).toBe(true);
    expect(higherIsBetter('val_accuracy')).toBe(true);
    expect(higherIsBetter('val_loss')).toBe(false);
    expect(higherIsBetter('test.rmse')).toBe(false);
    expect(higherIsBetter('error')).toBe(false);
  });
});

describe('similarity', () => {
  it('counts a shared dataset 3, the task type 2 and each shared tag 1, with a reason each', () => {
    const target = profile(['churn-q3', 'accounts'], 'classification', { team: 'risk', owner: 'ann' });
    const other = profile(['churn-q3'], 'classification', { team: 'risk', owner: 'bob' });
    expect(similarityOf(target, other)).toEqual({
      score: 6,
      reasons: ["trained on the same dataset 'churn-q3'", "same task type 'classification'", 'shares tag team=risk'],
    });
  });

  it('finds nothing in common with an unrelated experiment, and no task type matches a missing one', () => {
    expect(similarityOf(profile(['a'], null), profile(['b'], null))).toEqual({ score: 0, reasons: [] });
  });

  it('ignores bookkeeping tags and the task_type tag itself', () => {
    const tags = { 'mnemo.source': 'cli', task_type: 'regression' };
    expect(similarityOf(profile([], null, tags), profile([], null, tags)).score).toBe(0);
  });
});

describe('default metric', () => {
  it('is the key reported in the most similar experiments, ties by name', () => {
    const runs = [
      run('r1', 'e1', { lr: '1' }, { auc: 0.9, loss: 0.2 }),
      run('r2', 'e1', { lr: '2' }, { auc: 0.8 }),
      run('r3', 'e2', { lr: '1' }, { loss: 0.3 }),
      run('r4', 'e3', { lr: '1' }, { f1: 0.3 }),
    ];
    // auc: e1; loss: e1, e2; f1: e3 is not similar.
    expect(defaultMetric(['e1', 'e2'], runs)).toBe('loss');
    expect(defaultMetric(['e1'], runs)).toBe('auc');
    expect(defaultMetric([], runs)).toBeNull();
  });
});

describe('suggestParams', () => {
  const experiments: CandidateExperiment[] = [
    { experimentId: 'e0', name: 'current', profile: profile(['churn'], 'classification') },
    { experimentId: 'e1', name: 'churn-xgb', profile: profile(['churn'], 'classification') },
    { experimentId: 'e2', name: 'churn-lr', profile: profile(['churn'], null) },
    { experimentId: 'e3', name: 'fraud', profile: profile(['fraud'], 'classification') },
    { experimentId: 'e4', name: 'unrelated', profile: profile(['images'], 'segmentation') },
  ];
  const runs = [
    run('a', 'e0', { depth: '9' }, { auc: 0.99 }),
    run('b', 'e1', { depth: '6', eta: '0.1' }, { auc: 0.91 }),
    run('c', 'e1', { depth: '8', eta: '0.05' }, { auc: 0.93 }),
    run('d', 'e1', {}, { auc: 0.97 }),
    run('e', 'e2', { C: '1.0' }, { auc: 0.88 }),
    run('f', 'e3', { depth: '4' }, { auc: 0.95 }),
    run('g', 'e4', { depth: '2' }, { auc: 0.999 }),
  ];
  const target = profile(['churn'], 'classification');

  it('proposes the best run with params of each similar experiment, most similar first', () => {
    const { metricKey, suggestions } = suggestParams({
      target,
      excludeExperimentId: 'e0',
      experiments,
      runs,
      limit: 10,
    });
    expect(metricKey).toBe('auc');
    // e1 (dataset + task: 5) best with params is c (d has none); e2 (dataset: 3) e; e3 (task: 2) f; e4 unrelated.
    expect(suggestions.map((s) => [s.runId, s.similarity, s.metric.value])).toEqual([
      ['c', 5, 0.93],
      ['e', 3, 0.88],
      ['f', 2, 0.95],
    ]);
    expect(suggestions[0]?.params).toEqual({ depth: '8', eta: '0.05' });
    expect(suggestions[0]?.reasons).toEqual([
      "trained on the same dataset 'churn'",
      "same task type 'classification'",
      "best auc (0.93, highest) of 2 runs in experiment 'churn-xgb'",
    ]);
  });

  it('ranks by a metric to minimize when asked for one, and stops at the limit', () => {
    const lossRuns = [
      run('x', 'e1', { depth: '6' }, { val_loss: 0.4 }),
      run('y', 'e1', { depth: '7' }, { val_loss: 0.3 }),
      run('z', 'e3', { depth: '3' }, { val_loss: 0.1 }),
    ];
    const { suggestions } = suggestParams({ target, experiments, runs: lossRuns, metricKey: 'val_loss', limit: 1 });
    expect(suggestions.map((s) => [s.runId, s.metric])).toEqual([
      ['y', { key: 'val_loss', value: 0.3, higherIsBetter: false }],
    ]);
  });

  it('proposes an identical configuration once, and nothing when no run reports the metric', () => {
    const same = [run('p', 'e1', { depth: '5' }, { auc: 0.9 }), run('q', 'e2', { depth: '5' }, { auc: 0.95 })];
    expect(suggestParams({ target, experiments, runs: same, limit: 5 }).suggestions.map((s) => s.runId)).toEqual(['p']);
    expect(suggestParams({ target, experiments, runs: same, metricKey: 'f1', limit: 5 }).suggestions).toEqual([]);
  });
});
