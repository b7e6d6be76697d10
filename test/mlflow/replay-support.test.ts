import { describe, expect, it } from 'vitest';
import { IdMap } from './support/id-map.js';
import { shapeDifferences } from './support/shape.js';

// The replay test is only as strict as its comparator and id mapping; these pin that they do catch differences.

describe('shapeDifferences', () => {
  const recorded = {
    run: {
      info: { run_id: 'r', start_time: 5, status: 'FINISHED' },
      data: {
        tags: [
          { key: 'b', value: '2' },
          { key: 'a', value: '1' },
        ],
      },
    },
    experiment: { creation_time: 1, name: 'x' },
  };

  it('accepts an equal answer with other clock values and another order of keyed items', () => {
    const actual = structuredClone(recorded);
    actual.experiment.creation_time = 999;
    actual.run.data.tags.reverse();
    expect(shapeDifferences(recorded, actual)).toEqual([]);
  });

  it('reports missing and extra fields, other types and other values', () => {
    const actual = {
      run: {
        info: { run_id: 'r', start_time: '5' },
        data: { tags: recorded.run.data.tags, params: [] },
      },
      experiment: { creation_time: 1, name: 'y' },
    };
    expect(shapeDifferences(recorded, actual)).toEqual([
      '$.run.info.start_time: expected number 5, got string "5"',
      '$.run.info.status: missing',
      '$.run.data.params: not in the recording ([])',
      '$.experiment.name: expected "x", got "y"',
    ]);
  });

  it('reports lists of another length', () => {
    expect(shapeDifferences({ files: [1, 2] }, { files: [1] })).toEqual(['$.files: expected 2 items, got 1']);
  });
});

describe('IdMap', () => {
  const recordedRun = 'd236f3118e3b4de5abb5471bd069ecd4';
  const mnemoRun = '0123456789abcdef0123456789abcdef';

  it('learns ids from answers and rewrites them in ids, paths and artifact URIs', () => {
    const ids = new IdMap();
    ids.learn({ experiment_id: '1' }, { experiment_id: '1000000000000042' });
    ids.learn({ run: { info: { run_id: recordedRun } } }, { run: { info: { run_id: mnemoRun } } });
    expect(ids.apply({ experiment_ids: ['1'], experiment_id: '1', name: '1' })).toEqual({
      experiment_ids: ['1000000000000042'],
      experiment_id: '1000000000000042',
      name: '1',
    });
    expect(ids.applyToString(`/api/2.0/mlflow-artifacts/artifacts/1/${recordedRun}/artifacts/m.txt`)).toBe(
      `/api/2.0/mlflow-artifacts/artifacts/1000000000000042/${mnemoRun}/artifacts/m.txt`,
    );
    expect(ids.applyToString(`1/${recordedRun}/artifacts`)).toBe(`1000000000000042/${mnemoRun}/artifacts`);
    expect(ids.applyToString('mlflow-artifacts:/1')).toBe('mlflow-artifacts:/1000000000000042');
    expect(ids.applyToString('mlflow-artifacts:/12')).toBe('mlflow-artifacts:/12');
  });
});
