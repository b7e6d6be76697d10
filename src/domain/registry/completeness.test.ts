import { describe, expect, it } from 'vitest';
import { completeness, expectedFields } from './completeness.js';

const schema = {
  type: 'object',
  required: ['ownerTeam', 'intendedUse'],
  'x-recommended': ['limitations', 'evaluation'],
  properties: {
    ownerTeam: { type: 'string' },
    intendedUse: { type: 'string' },
    limitations: { type: 'string' },
    evaluation: {
      type: 'object',
      required: ['dataset'],
      'x-recommended': ['auc'],
      properties: { dataset: { type: 'string' }, auc: { type: 'number' } },
    },
  },
};

describe('completeness', () => {
  it('collects required and recommended fields at every level', () => {
    expect(expectedFields(schema)).toEqual([
      { path: 'ownerTeam', level: 'required' },
      { path: 'intendedUse', level: 'required' },
      { path: 'limitations', level: 'recommended' },
      { path: 'evaluation', level: 'recommended' },
      { path: 'evaluation.dataset', level: 'required' },
      { path: 'evaluation.auc', level: 'recommended' },
    ]);
  });

  it('scores the share present and lists what is missing', () => {
    const result = completeness(schema, { ownerTeam: 'risk', intendedUse: '', evaluation: { dataset: 'tx-2024' } });
    expect(result).toEqual({
      score: 0.5,
      present: 3,
      expected: 6,
      missing: [
        { path: 'intendedUse', level: 'required' },
        { path: 'limitations', level: 'recommended' },
        { path: 'evaluation.auc', level: 'recommended' },
      ],
    });
  });

  it('is complete when everything is filled in, and trivially complete with nothing expected', () => {
    const full = {
      ownerTeam: 'risk',
      intendedUse: 'scoring',
      limitations: 'none known',
      evaluation: { dataset: 'tx', auc: 0 },
    };
    expect(completeness(schema, full)).toMatchObject({ score: 1, missing: [] });
    expect(completeness({ type: 'object' }, {})).toEqual({ score: 1, present: 0, expected: 0, missing: [] });
    expect(completeness(true, { a: 1 }).score).toBe(1);
  });

  it('counts empty lists and objects as missing', () => {
    const flags = { type: 'object', 'x-recommended': ['regulatoryFlags', 'extra'] };
    expect(completeness(flags, { regulatoryFlags: [], extra: {} }).missing.map((m) => m.path)).toEqual([
      'regulatoryFlags',
      'extra',
    ]);
  });
});
