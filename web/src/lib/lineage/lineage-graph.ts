import type { LineageEdge, LineageNode, LineageWalk, PathStep } from '../../api/types.js';

/**
 * An edge of the graph on screen. Edges read by a walk carry the event that made them and when; edges learnt from
 * an impact or path answer carry only their run, so those fields are optional here.
 */
export type GraphEdge = PathStep & Partial<Pick<LineageEdge, 'eventId' | 'createdTime' | 'attributes'>>;

export type Side = 'upstream' | 'downstream';

/** The part of the lineage graph read so far, and which neighbourhoods of which nodes have been read. */
export interface LineageGraph {
  nodes: ReadonlyMap<string, LineageNode>;
  edges: ReadonlyMap<string, GraphEdge>;
  /** `<side> <node id>` for every node whose neighbours on that side are all in the graph. */
  expanded: ReadonlySet<string>;
}

export const emptyGraph: LineageGraph = { nodes: new Map(), edges: new Map(), expanded: new Set() };

export const edgeKey = (edge: Pick<PathStep, 'from' | 'to' | 'type'>) => `${edge.from} ${edge.type} ${edge.to}`;
export const expansionKey = (side: Side, nodeId: string) => `${side} ${nodeId}`;
export const isExpanded = (graph: LineageGraph, side: Side, nodeId: string) =>
  graph.expanded.has(expansionKey(side, nodeId));

/**
 * The graph with a walk's nodes and edges added. A node the walk reached before its last step has had all its
 * neighbours on the walk's side read, and so has every node of a walk that was not cut short by its depth.
 */
export function withWalk(graph: LineageGraph, walk: LineageWalk): LineageGraph {
  const nodes = new Map(graph.nodes);
  const edges = new Map(graph.edges);
  const expanded = new Set(graph.expanded);
  for (const root of walk.roots) {
    nodes.set(root.id, root);
    expanded.add(expansionKey(walk.direction, root.id));
  }
  for (const reached of walk.nodes) {
    const { depth: _depth, path: _path, ...node } = reached;
    nodes.set(node.id, node);
    if (!walk.truncated || reached.depth < walk.depth.applied) expanded.add(expansionKey(walk.direction, node.id));
  }
  for (const edge of walk.edges) edges.set(edgeKey(edge), edge);
  return { nodes, edges, expanded };
}

/** The graph with nodes and the steps that reach them (from an impact or path answer); known edges are kept. */
export function withSteps(
  graph: LineageGraph,
  found: readonly LineageNode[],
  steps: readonly PathStep[],
): LineageGraph {
  const nodes = new Map(graph.nodes);
  const edges = new Map(graph.edges);
  for (const node of found) if (!nodes.has(node.id)) nodes.set(node.id, node);
  for (const step of steps) {
    const key = edgeKey(step);
    if (!edges.has(key) && nodes.has(step.from) && nodes.has(step.to)) edges.set(key, step);
  }
  return { nodes, edges, expanded: graph.expanded };
}

/** Edges of the graph arriving at a node (its upstream side) and leaving it (its downstream side). */
export function neighbours(graph: LineageGraph): Map<string, { incoming: GraphEdge[]; outgoing: GraphEdge[] }> {
  const result = new Map<string, { incoming: GraphEdge[]; outgoing: GraphEdge[] }>();
  const entry = (id: string) => {
    let found = result.get(id);
    if (!found) {
      found = { incoming: [], outgoing: [] };
      result.set(id, found);
    }
    return found;
  };
  for (const edge of graph.edges.values()) {
    entry(edge.to).incoming.push(edge);
    entry(edge.from).outgoing.push(edge);
  }
  return result;
}
