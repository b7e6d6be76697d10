import { describe, expect, it } from 'vitest';
import { node, step, walkOf } from './fixtures.test-support.js';
import { edgeKey, emptyGraph, isExpanded, neighbours, withSteps, withWalk } from './lineage-graph.js';
import { viewProv } from './view-prov.js';

const raw = node('dataset_version:raw', 'raw@1');
const job = node('run:job', 'clean');
const clean = node('dataset_version:clean', 'clean@1');

describe('withWalk', () => {
  it('adds the nodes and edges of a walk and marks fully read neighbourhoods as expanded', () => {
    const walk = walkOf(
      'upstream',
      clean,
      [
        [job, 1],
        [raw, 2],
      ],
      [step(raw.id, 'consumed', job.id), step(job.id, 'produced', clean.id)],
      {
        applied: 2,
        truncated: true,
      },
    );
    const graph = withWalk(emptyGraph, walk);
    expect([...graph.nodes.keys()].sort()).toEqual([clean.id, raw.id, job.id].sort());
    expect(graph.edges.get(edgeKey(step(job.id, 'produced', clean.id)))?.eventId).toBe('ev-1');
    // The walk stopped at depth 2 with more beyond: the raw dataset's own upstream is still unread.
    expect(isExpanded(graph, 'upstream', clean.id)).toBe(true);
    expect(isExpanded(graph, 'upstream', job.id)).toBe(true);
    expect(isExpanded(graph, 'upstream', raw.id)).toBe(false);
    expect(isExpanded(graph, 'downstream', clean.id)).toBe(false);
  });

  it('marks every node expanded when the walk reached the end of the graph', () => {
    const walk = walkOf(
      'upstream',
      clean,
      [
        [job, 1],
        [raw, 2],
      ],
      [],
      { applied: 2, truncated: false },
    );
    expect(isExpanded(withWalk(emptyGraph, walk), 'upstream', raw.id)).toBe(true);
  });

  it('does not carry the walk-only depth and path onto stored nodes', () => {
    const graph = withWalk(emptyGraph, walkOf('downstream', raw, [[job, 1]], []));
    expect(graph.nodes.get(job.id)).toEqual(job);
  });
});

describe('withSteps', () => {
  it('adds steps between known nodes without replacing an edge read with its provenance', () => {
    const first = withWalk(emptyGraph, walkOf('downstream', raw, [[job, 1]], [step(raw.id, 'consumed', job.id)]));
    const next = withSteps(
      first,
      [clean],
      [step(raw.id, 'consumed', job.id), step(job.id, 'produced', clean.id), step(job.id, 'produced', 'run:unknown')],
    );
    expect(next.edges.get(edgeKey(step(raw.id, 'consumed', job.id)))?.eventId).toBe('ev-1');
    expect(next.edges.has(edgeKey(step(job.id, 'produced', clean.id)))).toBe(true);
    expect(next.edges.size).toBe(2);
  });
});

describe('neighbours', () => {
  it('lists each node’s incoming and outgoing edges', () => {
    const graph = withSteps(
      emptyGraph,
      [raw, job, clean],
      [step(raw.id, 'consumed', job.id), step(job.id, 'produced', clean.id)],
    );
    const sides = neighbours(graph);
    expect(sides.get(job.id)?.incoming.map((e) => e.from)).toEqual([raw.id]);
    expect(sides.get(job.id)?.outgoing.map((e) => e.to)).toEqual([clean.id]);
    expect(sides.get(raw.id)?.incoming).toEqual([]);
  });
});

describe('viewProv', () => {
  it('maps the graph on screen onto PROV as the server does', () => {
    const graph = withSteps(
      emptyGraph,
      [raw, job, clean],
      [step(raw.id, 'consumed', job.id), step(job.id, 'produced', clean.id)],
    );
    const doc = viewProv(graph);
    expect(Object.keys(doc.activity)).toEqual(['mnemo:run:job']);
    expect(Object.keys(doc.entity).sort()).toEqual(['mnemo:dataset_version:clean', 'mnemo:dataset_version:raw']);
    expect(Object.values(doc.used)).toEqual([
      { 'prov:activity': 'mnemo:run:job', 'prov:entity': 'mnemo:dataset_version:raw' },
    ]);
    expect(Object.values(doc.wasGeneratedBy)).toEqual([
      { 'prov:entity': 'mnemo:dataset_version:clean', 'prov:activity': 'mnemo:run:job' },
    ]);
  });
});
