import type { EdgeType, LineageEdgeType } from './edge-types.js';
import type { NodeKind } from './node-id.js';

/** A vertex as queries return it: its id, what it is, a human label and kind-specific attributes. */
export interface LineageNode {
  id: string;
  kind: NodeKind;
  label: string;
  attributes: Record<string, unknown>;
  createdTime: number;
}

/** A typed edge, stored upstream → downstream, with the run and the event that created it and when. */
export interface LineageEdge {
  from: string;
  to: string;
  type: EdgeType;
  runId: string | null;
  eventId: string | null;
  createdTime: number;
  attributes: Record<string, unknown>;
}

/** An edge as a read returns it: a stored one, or one derived when the graph is read (see DERIVED_EDGES). */
export interface GraphEdge extends Omit<LineageEdge, 'type'> {
  type: LineageEdgeType;
}

/** Which way a walk follows edges: with the data flow, against it, or both ways (a neighbourhood). */
export type Direction = 'upstream' | 'downstream' | 'both';

export interface Reached {
  depth: number;
  /** The edge that first reached this node in breadth-first order, and the node it came from; null for roots. */
  via: LineageEdge | null;
  previous: string | null;
}

export interface LineagePath {
  nodes: string[];
  edges: LineageEdge[];
}

/**
 * Breadth-first walk over an edge list: every node reachable from the roots within maxDepth, each with the edge
 * that reached it first, so the shortest path to any node can be read back. A visited set makes cycles harmless.
 * Neighbours are visited in a fixed order (edge type, then node id) so equal graphs give equal answers.
 */
export function breadthFirst(
  roots: string | readonly string[],
  edges: readonly LineageEdge[],
  direction: Direction,
  maxDepth: number,
): Map<string, Reached> {
  const adjacency = new Map<string, { edge: LineageEdge; next: string }[]>();
  const add = (at: string, edge: LineageEdge, next: string) => {
    const list = adjacency.get(at);
    if (list) list.push({ edge, next });
    else adjacency.set(at, [{ edge, next }]);
  };
  for (const edge of edges) {
    if (direction !== 'upstream') add(edge.from, edge, edge.to);
    if (direction !== 'downstream') add(edge.to, edge, edge.from);
  }
  for (const list of adjacency.values()) {
    list.sort((a, b) => compare(a.edge.type, b.edge.type) || compare(a.next, b.next));
  }
  const start = typeof roots === 'string' ? [roots] : [...roots];
  const reached = new Map<string, Reached>(start.map((r) => [r, { depth: 0, via: null, previous: null }]));
  let frontier = start;
  for (let depth = 1; depth <= maxDepth && frontier.length > 0; depth++) {
    const following: string[] = [];
    for (const node of frontier) {
      for (const { edge, next } of adjacency.get(node) ?? []) {
        if (reached.has(next)) continue;
        reached.set(next, { depth, via: edge, previous: node });
        following.push(next);
      }
    }
    frontier = following;
  }
  return reached;
}

/** The path from the walk's root to a reached node, in walking order; undefined when the node was not reached. */
export function pathTo(reached: Map<string, Reached>, target: string): LineagePath | undefined {
  if (!reached.has(target)) return undefined;
  const nodes = [target];
  const edges: LineageEdge[] = [];
  let current = reached.get(target);
  while (current?.via && current.previous !== null) {
    edges.unshift(current.via);
    nodes.unshift(current.previous);
    current = reached.get(current.previous);
  }
  return { nodes, edges };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
