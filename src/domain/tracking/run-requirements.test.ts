import { describe, expect, it } from 'vitest';
import type { Run } from './entities.js';
import { combineRequirements, missingItems, negativeReason, parseRequirements } from './run-requirements.js';

const base: Run = {
  info: {
    runId: 'r',
    experimentId: '1',
    runName: 'n',
    userId: '',
    status: 'FINISHED',
    startTime: 1,
    endTime: 2,
    artifactUri: 'a',
    lifecycleStage: 'active',
    parentRunId: null,
  },
  params: [],
  metrics: [],
  tags: [],
  inputs: [],
  modelOutputs: [],
  modelInputs: [],
};

describe('run requirements', () => {
  it('joins scopes: lists merged without repeats, any demand is a demand', () => {
    const joined = combineRequirements([
      parseRequirements({ params: ['seed'], datasetInput: true }),
      parseRequirements({ params: ['seed', 'commit'], negativeWhen: [{ metric: 'auc', below: 0.5 }] }),
    ]);
    expect(joined).toEqual({
      params: ['seed', 'commit'],
      metrics: [],
      datasetInput: true,
      dataQualityCheck: false,
      negativeResultNote: false,
      negativeWhen: [{ metric: 'auc', below: 0.5 }],
    });
  });

  it('refuses thresholds without a bound and keys the tracking API would refuse', () => {
    expect(() => parseRequirements({ negativeWhen: [{ metric: 'auc' }] })).toThrow(/below' or 'above/);
    expect(() => parseRequirements({ params: ['bad|key'] })).toThrow(/may only contain/);
  });

  it('calls a result negative by tag or by a metric past its threshold', () => {
    expect(negativeReason({ ...base, tags: [{ key: 'mnemo.result', value: 'Negative' }] }, [])).toContain('tagged');
    const loss = { ...base, metrics: [{ key: 'loss', value: 3, step: 0, timestamp: 0 }] };
    expect(negativeReason(loss, [{ metric: 'loss', above: 2 }])).toBe('loss is 3, above 2');
    expect(negativeReason(loss, [{ metric: 'loss', above: 5 }])).toBeUndefined();
  });

  it('asks for a note only on a negative result, and counts an unknown quality result as missing', () => {
    const required = parseRequirements({ negativeResultNote: true, dataQualityCheck: true });
    const positive = { ...base, tags: [{ key: 'mnemo.data_quality', value: 'PASSED' }] };
    expect(missingItems(positive, required)).toEqual([]);
    const negative = {
      ...base,
      tags: [
        { key: 'mnemo.data_quality', value: 'unknown' },
        { key: 'mnemo.result', value: 'negative' },
      ],
    };
    expect(missingItems(negative, required).map((m) => m.field)).toEqual([
      'tags.mnemo.data_quality',
      'tags.mlflow.note.content',
    ]);
  });
});
