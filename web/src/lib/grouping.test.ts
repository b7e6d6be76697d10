import { describe, expect, it } from 'vitest';
import type { Run } from '../api/types.js';
import { parseColumnId, toRunRow } from './columns.js';
import { flattenGroups, groupKey, groupRuns } from './grouping.js';

function run(id: string, params: Record<string, string>, loss?: number | string): Run {
  return {
    runId: id,
    experimentId: '1',
    runName: id,
    userId: 'u',
    status: 'FINISHED',
    startTime: 0,
    endTime: 1,
    artifactUri: '',
    lifecycleStage: 'active',
    parentRunId: null,
    params,
    tags: {},
    metrics: loss === undefined ? [] : [{ key: 'loss', value: loss, step: 0, timestamp: 0 }],
    inputs: [],
    modelOutputs: [],
    modelInputs: [],
  };
}

describe('groupRuns', () => {
  const rows = [
    run('a', { opt: 'adam' }, 1),
    run('b', { opt: 'sgd' }, 4),
    run('c', { opt: 'adam' }, 3),
    run('d', {}, 2),
    run('e', { opt: 'adam' }, 'NaN'),
    run('f', { opt: 'sgd' }),
  ].map(toRunRow);

  it('groups by a param in first-seen order with count and mean/min/max of finite values', () => {
    const groups = groupRuns(rows, parseColumnId('params.opt')!, 'loss', 0);
    expect(groups.map((g) => [g.value, g.count, g.mean, g.min, g.max])).toEqual([
      ['adam', 3, 2, 1, 3],
      ['sgd', 2, 4, 4, 4],
      [null, 1, 2, 2, 2],
    ]);
  });

  it('has no aggregates without a metric, and flattens expanded groups only', () => {
    const groups = groupRuns(rows, parseColumnId('params.opt')!, null, 0);
    expect(groups[0]!.mean).toBeNull();
    const flat = flattenGroups(groups, new Set([groupKey('sgd')]));
    expect(flat.map((r) => (r.kind === 'group' ? `g:${r.group.value}` : r.row.run.runId))).toEqual([
      'g:adam',
      'g:sgd',
      'b',
      'f',
      'g:null',
    ]);
  });
});
