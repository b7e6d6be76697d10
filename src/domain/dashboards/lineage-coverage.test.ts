import { describe, expect, it } from 'vitest';
import { missingRunLineage, missingVersionLineage, RUN_LINEAGE_ASPECTS } from './lineage-aspects.js';
import { lineageByDay } from './lineage-trend.js';
import { validationCoverage } from './validation-coverage.js';

const DAY = 86_400_000;

describe('run lineage aspects', () => {
  const none = { datasetInput: false, upstream: new Set<string>(), gitCommit: false, environmentTag: false };
  it('finds nothing recorded on a bare run', () => {
    expect(missingRunLineage(none)).toEqual(['data', 'code', 'environment']);
  });
  it('takes data from a logged input or a consumed dataset or feature version', () => {
    expect(missingRunLineage({ ...none, datasetInput: true })).not.toContain('data');
    expect(missingRunLineage({ ...none, upstream: new Set(['consumed dataset_version']) })).not.toContain('data');
    expect(missingRunLineage({ ...none, upstream: new Set(['consumed feature_version']) })).not.toContain('data');
    // Consuming a model version is not training data.
    expect(missingRunLineage({ ...none, upstream: new Set(['consumed model_version']) })).toContain('data');
  });
  it('takes code from a code reference or the MLflow git commit tag, environment from the graph or its tags', () => {
    expect(missingRunLineage({ ...none, environmentTag: true })).toEqual(['data', 'code']);
    expect(missingRunLineage({ ...none, gitCommit: true })).toEqual(['data', 'environment']);
    expect(missingRunLineage({ ...none, upstream: new Set(['depends_on code_ref']) })).toEqual(['data', 'environment']);
    expect(
      missingRunLineage({
        datasetInput: true,
        gitCommit: false,
        environmentTag: false,
        upstream: new Set(['depends_on code_ref', 'depends_on environment']),
      }),
    ).toEqual([]);
  });
});

describe('model version lineage aspects', () => {
  it('needs a source run, and training data on that run or as features', () => {
    expect(missingVersionLineage({ sourceRun: false, sourceRunData: false, featureDependency: false })).toEqual([
      'source_run',
      'training_data',
    ]);
    expect(missingVersionLineage({ sourceRun: true, sourceRunData: false, featureDependency: false })).toEqual([
      'training_data',
    ]);
    expect(missingVersionLineage({ sourceRun: true, sourceRunData: true, featureDependency: false })).toEqual([]);
    expect(missingVersionLineage({ sourceRun: false, sourceRunData: false, featureDependency: true })).toEqual([
      'source_run',
    ]);
  });
});

describe('lineage completeness by day', () => {
  it('shares complete entities per UTC day of creation, naming each and counting what they lack', () => {
    const days = lineageByDay(
      [
        { id: 'b', createdTime: 2 * DAY + 5, missing: ['environment'] },
        { id: 'a', createdTime: 2 * DAY + 9, missing: [] },
        { id: 'c', createdTime: DAY, missing: ['environment', 'data'] },
      ],
      RUN_LINEAGE_ASPECTS,
    );
    expect(days).toEqual([
      {
        day: DAY,
        judged: 1,
        complete: 0,
        share: 0,
        entities: [{ id: 'c', missing: ['data', 'environment'] }],
        missingCounts: { data: 1, code: 0, environment: 1 },
      },
      {
        day: 2 * DAY,
        judged: 2,
        complete: 1,
        share: 0.5,
        entities: [
          { id: 'a', missing: [] },
          { id: 'b', missing: ['environment'] },
        ],
        missingCounts: { data: 0, code: 0, environment: 1 },
      },
    ]);
  });
  it('has no days without entities', () => {
    expect(lineageByDay([], RUN_LINEAGE_ASPECTS)).toEqual([]);
  });
});

describe('validation coverage', () => {
  const version = (name: string, v: number, fairness: boolean, sliceEvaluation: boolean, approval: boolean) => ({
    modelName: name,
    version: v,
    stage: 'Production',
    reasons: ['production' as const],
    fairness,
    sliceEvaluation,
    approval,
  });
  it('counts a serving version as covered only with fairness, slice evaluations and an approval', () => {
    const coverage = validationCoverage([
      version('b', 1, true, true, true),
      version('a', 2, true, false, true),
      version('a', 1, false, false, false),
    ]);
    expect(coverage).toMatchObject({
      serving: 3,
      covered: 1,
      share: 1 / 3,
      withEvidence: { fairness: 2, slice_evaluation: 1, approval: 2 },
    });
    expect(coverage.versions.map((v) => [v.modelName, v.version, v.missing])).toEqual([
      ['a', 1, ['fairness', 'slice_evaluation', 'approval']],
      ['a', 2, ['slice_evaluation']],
      ['b', 1, []],
    ]);
  });
  it('gives no share when nothing serves', () => {
    expect(validationCoverage([])).toEqual({
      serving: 0,
      covered: 0,
      share: null,
      withEvidence: { fairness: 0, slice_evaluation: 0, approval: 0 },
      versions: [],
    });
  });
});
