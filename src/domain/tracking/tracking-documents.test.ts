import { describe, expect, it } from 'vitest';
import { validateDocument } from '../registry/schema/json-schema.js';
import type { Run } from './entities.js';
import { runDocument } from './tracking-documents.js';

const run: Run = {
  info: {
    runId: 'r1',
    experimentId: '7',
    runName: 'baseline',
    userId: '',
    status: 'RUNNING',
    startTime: 1,
    endTime: null,
    artifactUri: 'a',
    lifecycleStage: 'active',
    parentRunId: null,
  },
  params: [{ key: 'lr', value: '0.1' }],
  metrics: [{ key: 'auc', value: 0.9, step: 0, timestamp: 1 }],
  tags: [],
  inputs: [],
  modelOutputs: [],
  modelInputs: [],
};

const schema = {
  type: 'object',
  properties: {
    params: { type: 'object', required: ['seed'], properties: { lr: { type: 'string', pattern: '^0\\.[0-9]+$' } } },
  },
};

describe('run metadata document', () => {
  it('holds params and tags as objects (always there), leaves out empty fields and metrics', () => {
    expect(runDocument(run, 'exp')).toEqual({
      name: 'baseline',
      experimentId: '7',
      experimentName: 'exp',
      status: 'RUNNING',
      params: { lr: '0.1' },
      tags: {},
    });
  });

  it('lets a partial check skip what is still missing but not what is wrong', () => {
    const document = runDocument(run, 'exp');
    expect(validateDocument(schema, document)).toEqual([{ path: '/params/seed', message: 'is required' }]);
    expect(validateDocument(schema, document, { partial: true })).toEqual([]);
    const wrong = runDocument({ ...run, params: [{ key: 'lr', value: 'fast' }] }, 'exp');
    expect(validateDocument(schema, wrong, { partial: true }).map((v) => v.path)).toEqual(['/params/lr']);
  });
});
