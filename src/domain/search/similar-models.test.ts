import { describe, expect, it } from 'vitest';
import { type CandidateModel, type ModelTraits, modelSimilarity, similarModels } from './similar-models.js';

const traits = (over: Partial<ModelTraits>): ModelTraits => ({
  datasets: [],
  features: [],
  tags: [],
  taskType: null,
  algorithmFamily: null,
  ...over,
});
const model = (modelId: string, over: Partial<ModelTraits>): CandidateModel => ({
  modelId,
  name: `model-${modelId}`,
  traits: traits(over),
});

describe('model similarity', () => {
  it('weighs datasets 3, features, task type and algorithm family 2, tags 1, with a reason each', () => {
    const target = traits({
      datasets: ['payments', 'accounts'],
      features: ['customer_age', 'txn_count'],
      tags: ['team=risk', 'tier=1'],
      taskType: 'classification',
      algorithmFamily: 'gbdt',
    });
    const other = traits({
      datasets: ['payments'],
      features: ['customer_age'],
      tags: ['team=risk', 'tier=2'],
      taskType: 'classification',
      algorithmFamily: 'linear',
    });
    expect(modelSimilarity(target, other)).toEqual({
      score: 3 + 2 + 2 + 1,
      reasons: [
        "trained on the same dataset 'payments'",
        "uses the same feature 'customer_age'",
        "same task type 'classification'",
        'shares tag team=risk',
      ],
    });
  });

  it('does not match two unknown task types or algorithm families', () => {
    expect(modelSimilarity(traits({}), traits({}))).toEqual({ score: 0, reasons: [] });
  });
});

describe('similarModels', () => {
  it('lists models sharing anything, most similar first, ties by name, without the model itself', () => {
    const target = model('t', { datasets: ['payments'], taskType: 'classification', tags: ['team=risk'] });
    const candidates = [
      target,
      model('b', { taskType: 'classification', tags: ['team=risk'] }), // 3
      model('a', { datasets: ['payments'] }), // 3
      model('c', { datasets: ['payments'], taskType: 'classification' }), // 5
      model('d', { datasets: ['images'], taskType: 'segmentation' }), // 0
    ];
    expect(similarModels(target, candidates, 10).map((s) => [s.name, s.score])).toEqual([
      ['model-c', 5],
      ['model-a', 3],
      ['model-b', 3],
    ]);
    expect(similarModels(target, candidates, 1).map((s) => s.name)).toEqual(['model-c']);
  });
});
