import { describe, expect, it } from 'vitest';
import type { EdgeType } from './edge-types.js';
import { breadthFirst, type LineageEdge, pathTo } from './graph.js';

const edge = (from: string, to: string, type: EdgeType = 'derived_from'): LineageEdge => ({
  from,
  to,
  type,
  runId: null,
  eventId: null,
  createdTime: 0,
  attributes: {},
});

describe('breadthFirst', () => {
  const edges = [
    edge('a', 'b'),
    edge('b', 'c'),
    edge('c', 'a'),
    edge('a', 'd', 'consumed'),
    edge('d', 'c', 'produced'),
  ];

  it('reaches each node once at its shortest depth, even around a cycle', () => {
    const reached = breadthFirst('a', edges, 'downstream', 50);
    expect(Object.fromEntries([...reached].map(([id, r]) => [id, r.depth]))).toEqual({ a: 0, b: 1, d: 1, c: 2 });
  });

  it('breaks ties by edge type then node id, so answers are stable', () => {
    // c is two edges away both via b (derived_from) and via d (consumed); consumed sorts first.
    const path = pathTo(breadthFirst('a', edges, 'downstream', 50), 'c');
    expect(path?.nodes).toEqual(['a', 'd', 'c']);
    expect(path?.edges.map((e) => e.type)).toEqual(['consumed', 'produced']);
  });

  it('stops at the depth limit', () => {
    expect([...breadthFirst('a', edges, 'downstream', 1).keys()].sort()).toEqual(['a', 'b', 'd']);
  });

  it('walks against the flow upstream and both ways for neighbourhoods', () => {
    expect([...breadthFirst('c', edges, 'upstream', 1).keys()].sort()).toEqual(['b', 'c', 'd']);
    const both = breadthFirst('d', [edge('x', 'd'), edge('d', 'y')], 'both', 1);
    expect([...both.keys()].sort()).toEqual(['d', 'x', 'y']);
    expect(pathTo(both, 'x')?.nodes).toEqual(['d', 'x']);
  });

  it('starts from several roots at once', () => {
    const reached = breadthFirst(['b', 'd'], edges, 'downstream', 1);
    expect(Object.fromEntries([...reached].map(([id, r]) => [id, r.depth]))).toEqual({ b: 0, d: 0, c: 1 });
  });

  it('has no path to a node it did not reach', () => {
    expect(pathTo(breadthFirst('c', edges, 'downstream', 0), 'a')).toBeUndefined();
  });
});
