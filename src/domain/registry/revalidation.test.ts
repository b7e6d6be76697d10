import { describe, expect, it } from 'vitest';
import type { DatasetColumn, DatasetVersion } from '../lineage/dataset-version.js';
import { datasetVersionChange, describeReplacement, evaluationClears, schemaChanged } from './revalidation.js';

const columns = (...pairs: [string, string | null][]): DatasetColumn[] =>
  pairs.map(([name, type]) => ({ name, type, description: null }));

function version(id: string, createdTime: number, cols: DatasetColumn[] | null): DatasetVersion {
  return {
    versionId: id,
    nodeId: `dataset_version:${id}`,
    datasetId: 'd',
    namespace: 's3://lake',
    name: 'orders',
    version: id,
    uri: null,
    digest: null,
    columns: cols,
    rowCount: null,
    qualityChecks: [],
    facets: {},
    drift: null,
    createdTime,
  };
}

describe('schemaChanged', () => {
  const base = columns(['id', 'string'], ['amount', 'double']);
  it.each([
    ['the same columns in another order', columns(['amount', 'double'], ['id', 'string']), false],
    ['a column retyped', columns(['id', 'string'], ['amount', 'decimal']), true],
    ['a column added', columns(['id', 'string'], ['amount', 'double'], ['currency', 'string']), true],
    ['a column removed', columns(['id', 'string']), true],
    ['a type now unknown', columns(['id', 'string'], ['amount', null]), true],
  ])('%s → %s', (_what, after, changed) => {
    expect(schemaChanged(base, after)).toBe(changed);
  });
  it('sees no change where either side has no schema recorded', () => {
    expect(schemaChanged(null, base)).toBe(false);
    expect(schemaChanged(base, null)).toBe(false);
  });
});

describe('datasetVersionChange', () => {
  const v1 = version('v1', 1, columns(['id', 'string']));
  const v2 = version('v2', 2, columns(['id', 'string']));

  it('has nothing to say about the first version of a dataset', () => {
    expect(datasetVersionChange(v1, undefined, [v1])).toBeUndefined();
  });

  it('makes a new version replace every earlier one', () => {
    const v3 = version('v3', 3, columns(['id', 'string']));
    expect(datasetVersionChange(v3, undefined, [v1, v2, v3])).toEqual({
      kind: 'new_dataset_version',
      upstreamNodeId: 'dataset_version:v3',
      replacedNodeIds: ['dataset_version:v1', 'dataset_version:v2'],
    });
  });

  it('calls a new version a schema change when its columns differ from the newest earlier one', () => {
    const old = version('v0', 0, columns(['id', 'int']));
    const v3 = version('v3', 3, columns(['id', 'string'], ['extra', 'int']));
    expect(datasetVersionChange(v3, undefined, [v2, old, v3])?.kind).toBe('dataset_schema_change');
    // Compared with the newest earlier version only: v2 and v3 agree although v0 differed.
    const same = version('v3', 3, columns(['id', 'string']));
    expect(datasetVersionChange(same, undefined, [old, v2, same])?.kind).toBe('new_dataset_version');
  });

  it('flags a version whose columns were restated differently in place, and not one restated the same', () => {
    const retyped = version('v1', 1, columns(['id', 'int']));
    expect(datasetVersionChange(retyped, v1, [])).toEqual({
      kind: 'dataset_schema_change',
      upstreamNodeId: 'dataset_version:v1',
      replacedNodeIds: ['dataset_version:v1'],
    });
    expect(datasetVersionChange(v1, v1, [])).toBeUndefined();
  });
});

describe('evaluationClears', () => {
  const flag = {
    cause: {
      kind: 'new_dataset_version' as const,
      upstreamNodeId: 'dataset_version:abc',
      upstreamLabel: 's3://lake/orders@v2',
      replacedNodeId: 'dataset_version:old',
      description: '',
    },
  };
  it.each([
    ['abc', true],
    ['dataset_version:abc', true],
    ['s3://lake/orders@v2', true],
    ['old', false],
    ['s3://lake/orders@v1', false],
    ['ab', false],
    [null, false],
  ])('an evaluation on %s clears it: %s', (on, clears) => {
    expect(evaluationClears(flag, on)).toBe(clears);
  });
});

describe('describeReplacement', () => {
  it('names both nodes, or one for a schema changed in place', () => {
    expect(describeReplacement('new_feature_version', 'f@1', 'f@2')).toBe(
      'Feature version f@2 replaces f@1, which the version was trained on',
    );
    expect(describeReplacement('dataset_schema_change', 'd@1', 'd@1')).toBe(
      'The schema of dataset version d@1, which the version was trained on, changed',
    );
  });
});
