import type { ReachedNode } from '../../../domain/lineage/impact.js';
import type { WalkResult } from '../../../services/lineage/lineage-query-service.js';

/** A reached node flattened for JSON: the node's fields, how far it is and the path that reaches it. */
export const presentReached = (r: ReachedNode) => ({ ...r.node, depth: r.depth, path: r.path });

export const presentWalk = (walk: WalkResult) => ({
  roots: walk.roots,
  direction: walk.direction,
  edgeTypes: walk.edgeTypes,
  nodes: walk.nodes.map(presentReached),
  edges: walk.edges,
  depth: walk.depth,
  truncated: walk.truncated,
});
