import { describe, expect, it } from 'vitest';
import type { Run } from '../api/types.js';
import { toRunRow } from './columns.js';
import { buildRunTree } from './run-tree.js';

function run(id: string, parentRunId: string | null = null): Run {
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
    parentRunId,
    params: {},
    tags: {},
    metrics: [],
    inputs: [],
    modelOutputs: [],
    modelInputs: [],
  };
}

const shape = (rows: ReturnType<typeof buildRunTree>) =>
  rows.map((r) => [r.row.run.runId, r.tree.depth, r.tree.childCount, r.tree.open]);

describe('buildRunTree', () => {
  // Loaded in the server's order: a child may come before its parent.
  const rows = [run('c1', 'p'), run('p'), run('solo'), run('c2', 'p'), run('g1', 'c2'), run('orphan', 'gone')].map(
    toRunRow,
  );

  it('shows top-level runs in loaded order with their child counts, children hidden while closed', () => {
    expect(shape(buildRunTree(rows, new Set()))).toEqual([
      ['p', 0, 2, false],
      ['solo', 0, 0, false],
      ['orphan', 0, 0, false],
    ]);
  });

  it('shows an open parent’s children under it, one level deeper, and their own children when open', () => {
    expect(shape(buildRunTree(rows, new Set(['p'])))).toEqual([
      ['p', 0, 2, true],
      ['c1', 1, 0, false],
      ['c2', 1, 1, false],
      ['solo', 0, 0, false],
      ['orphan', 0, 0, false],
    ]);
    expect(shape(buildRunTree(rows, new Set(['p', 'c2']))).slice(0, 4)).toEqual([
      ['p', 0, 2, true],
      ['c1', 1, 0, false],
      ['c2', 1, 1, true],
      ['g1', 2, 0, false],
    ]);
  });

  it('does not count a run that names itself as parent as its own child', () => {
    expect(shape(buildRunTree([toRunRow(run('self', 'self'))], new Set(['self'])))).toEqual([['self', 0, 0, false]]);
  });

  it('lists every run of a parent loop once instead of dropping it', () => {
    const loop = [run('a', 'b'), run('b', 'a')].map(toRunRow);
    const ids = buildRunTree(loop, new Set(['a', 'b'])).map((r) => r.row.run.runId);
    expect(ids.sort()).toEqual(['a', 'b']);
  });
});
