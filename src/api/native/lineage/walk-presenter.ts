import type { GraphReached } from '../../../domain/lineage/impact.js';
import type { GraphWalk } from '../../../services/lineage/lineage-query-service.js';

/** A reached node flattened for JSON: the node's fields, how far it is and the path that reaches it. */
export const presentReached = (r: GraphReached) => ({ ...r.node, depth: r.depth, path: r.path });

export const presentWalk = (walk: GraphWalk) => ({
  roots: walk.roots,
  direction: walk.direction,
  edgeTypes: walk.edgeTypes,
  nodes: walk.nodes.map(presentReached),
  edges: walk.edges,
  depth: walk.depth,
  truncated: walk.truncated,
});
