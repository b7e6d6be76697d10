import { describe, expect, it } from 'vitest';
import { graphOf, node, step } from './fixtures.test-support.js';
import { collapseGroups, groupId, groupOf } from './node-groups.js';

const data = node('dataset_version:d', 'data@1', { namespace: 'ns', name: 'data', version: '1' });
const runs = Array.from({ length: 6 }, (_, i) => node(`run:r${i}`, `r${i}`, { experimentId: '7' }, i));
const other = node('run:x', 'x', { experimentId: '8' });
const model = node('model_version:m/1', 'fraud v1', { modelId: 'm', modelName: 'fraud' });
const graph = graphOf(
  [data, ...runs, other, model],
  [
    ...runs.map((r) => step(data.id, 'consumed', r.id)),
    step(data.id, 'consumed', other.id),
    step(runs[0]!.id, 'produced', model.id),
    step(runs[1]!.id, 'produced', model.id),
  ],
);

describe('groupOf', () => {
  it('groups runs by job before experiment, and versions by what they are versions of', () => {
    expect(groupOf(node('run:a', 'a', { experimentId: '1', job: 'etl/clean' }))?.key).toBe('job etl/clean');
    expect(groupOf(node('run:a', 'a', { experimentId: '1' }))?.label(3)).toBe('3 runs of experiment 1');
    expect(groupOf(data)?.label(2)).toBe('2 versions of data');
    expect(groupOf(node('feature_version:f1', 'age@2'))?.key).toBe('age');
    expect(groupOf(node('environment:sha256:1', 'py on linux'))).toBeNull();
  });
});

describe('collapseGroups', () => {
  const ids = (view: ReturnType<typeof collapseGroups>) => view.nodes.map((n) => n.id).sort();

  it('folds alike nodes into one counted group and merges the edges they shared', () => {
    const view = collapseGroups(graph, { threshold: 5, keep: new Set(), open: new Set() });
    const group = groupId('run', 'experiment 7');
    expect(ids(view)).toEqual([data.id, group, model.id, other.id].sort());
    expect(view.nodes.find((n) => n.id === group)?.label).toBe('6 runs of experiment 7');
    expect(view.nodes.find((n) => n.id === group)?.members?.[0]?.id).toBe('run:r5');
    const consumed = view.edges.find((e) => e.from === data.id && e.to === group);
    expect(consumed).toMatchObject({ count: 6, edge: null });
    expect(view.edges.find((e) => e.from === group && e.to === model.id)?.count).toBe(2);
    expect(view.edges.find((e) => e.to === other.id)).toMatchObject({ count: 1, edge: { runId: null } });
  });

  it('leaves groups under the threshold, opened groups and kept nodes alone', () => {
    expect(ids(collapseGroups(graph, { threshold: 7, keep: new Set(), open: new Set() }))).toHaveLength(9);
    const open = new Set([groupId('run', 'experiment 7')]);
    expect(ids(collapseGroups(graph, { threshold: 5, keep: new Set(), open }))).toHaveLength(9);
    // Keeping two runs out leaves four alike: too few to fold at a threshold of five.
    const keep = new Set([runs[0]!.id, runs[1]!.id]);
    expect(ids(collapseGroups(graph, { threshold: 5, keep, open: new Set() }))).toHaveLength(9);
    const view = collapseGroups(graph, { threshold: 4, keep, open: new Set() });
    expect(ids(view)).toContain(runs[0]!.id);
    expect(view.nodes.find((n) => n.members)?.label).toBe('4 runs of experiment 7');
  });
});
