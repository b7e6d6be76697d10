import type { LineageNode, LineageWalk, PathStep } from '../../api/types.js';
import { emptyGraph, type LineageGraph, withSteps } from './lineage-graph.js';

export function node(
  id: string,
  label: string,
  attributes: Record<string, unknown> = {},
  createdTime = 0,
): LineageNode {
  return { id, kind: id.slice(0, id.indexOf(':')), label, attributes, createdTime };
}

export const step = (from: string, type: PathStep['type'], to: string, runId: string | null = null): PathStep => ({
  from,
  to,
  type,
  runId,
});

export const graphOf = (nodes: LineageNode[], steps: PathStep[]): LineageGraph => withSteps(emptyGraph, nodes, steps);

/** A walk answer as GET /api/v1/lineage/{upstream,downstream} shapes it. */
export function walkOf(
  direction: LineageWalk['direction'],
  root: LineageNode,
  reached: [LineageNode, number][],
  steps: PathStep[],
  { applied = 10, truncated = false } = {},
): LineageWalk {
  return {
    roots: [root],
    direction,
    edgeTypes: [],
    nodes: reached.map(([n, depth]) => ({ ...n, depth, path: [] })),
    edges: steps.map((s) => ({ ...s, eventId: 'ev-1', createdTime: 5, attributes: {} })),
    depth: { requested: applied, applied, cap: 50, capped: false },
    truncated,
  };
}
