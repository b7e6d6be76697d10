import type { LineageNode } from '../../api/types.js';
import { edgeKey, type GraphEdge, type LineageGraph } from './lineage-graph.js';

/** A node on screen: one lineage node, or a collapsed group of similar ones standing in for all of them. */
export type ViewNode =
  | { id: string; kind: string; label: string; node: LineageNode; members?: undefined }
  | { id: string; kind: string; label: string; node?: undefined; members: LineageNode[] };

/** An edge on screen; `count` edges of the graph when it links a group. */
export interface ViewEdge {
  id: string;
  from: string;
  to: string;
  type: GraphEdge['type'];
  count: number;
  /** The graph edge itself when the view edge stands for exactly one. */
  edge: GraphEdge | null;
}

const text = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);

/**
 * What makes nodes alike enough to fold into one: runs of one job or experiment, versions of one dataset, model or
 * feature, deployments to one target. Nodes of other kinds are never grouped.
 */
export function groupOf(node: LineageNode): { key: string; label: (count: number) => string } | null {
  const a = node.attributes;
  switch (node.kind) {
    case 'run': {
      const job = text(a.job);
      if (job) return { key: `job ${job}`, label: (n) => `${n} runs of job ${job.split('/').pop()}` };
      const experiment = text(a.experimentId);
      return experiment
        ? { key: `experiment ${experiment}`, label: (n) => `${n} runs of experiment ${experiment}` }
        : null;
    }
    case 'dataset_version': {
      const name = text(a.name);
      return name ? { key: `${text(a.namespace) ?? ''} ${name}`, label: (n) => `${n} versions of ${name}` } : null;
    }
    case 'model_version': {
      const model = text(a.modelId);
      const name = text(a.modelName) ?? model;
      return model ? { key: model, label: (n) => `${n} versions of model ${name}` } : null;
    }
    case 'feature_version': {
      const at = node.label.lastIndexOf('@');
      const feature = at > 0 ? node.label.slice(0, at) : null;
      return feature ? { key: feature, label: (n) => `${n} versions of feature ${feature}` } : null;
    }
    case 'deployment': {
      const target = text(a.targetName);
      return target ? { key: target, label: (n) => `${n} deployments to ${target}` } : null;
    }
    default:
      return null;
  }
}

export interface CollapseOptions {
  /** How many alike nodes it takes to fold them into a group. */
  threshold: number;
  /** Nodes that must stay visible on their own: the focus, the selection, highlighted paths. */
  keep: ReadonlySet<string>;
  /** Group ids the reader opened. */
  open: ReadonlySet<string>;
}

export const groupId = (kind: string, key: string) => `group:${kind}:${key}`;

/**
 * The graph as drawn: alike nodes (see groupOf) folded into one group node with their count once there are at
 * least `threshold` of them, unless the group was opened; edges re-pointed at the groups, parallel ones merged
 * and counted, and edges inside a group dropped.
 */
export function collapseGroups(
  graph: LineageGraph,
  options: CollapseOptions,
): { nodes: ViewNode[]; edges: ViewEdge[] } {
  const candidates = new Map<string, { kind: string; label: (n: number) => string; members: LineageNode[] }>();
  for (const node of graph.nodes.values()) {
    if (options.keep.has(node.id)) continue;
    const group = groupOf(node);
    if (!group) continue;
    const id = groupId(node.kind, group.key);
    if (options.open.has(id)) continue;
    const entry = candidates.get(id) ?? { kind: node.kind, label: group.label, members: [] };
    entry.members.push(node);
    candidates.set(id, entry);
  }
  const placeOf = new Map<string, string>();
  const nodes: ViewNode[] = [];
  for (const [id, group] of candidates) {
    if (group.members.length < options.threshold) continue;
    const members = [...group.members].sort((a, b) => b.createdTime - a.createdTime);
    for (const member of members) placeOf.set(member.id, id);
    nodes.push({ id, kind: group.kind, label: group.label(members.length), members });
  }
  for (const node of graph.nodes.values()) {
    if (!placeOf.has(node.id)) nodes.push({ id: node.id, kind: node.kind, label: node.label, node });
  }
  const edges = new Map<string, ViewEdge>();
  for (const edge of graph.edges.values()) {
    const from = placeOf.get(edge.from) ?? edge.from;
    const to = placeOf.get(edge.to) ?? edge.to;
    if (from === to) continue;
    const id = edgeKey({ from, to, type: edge.type });
    const known = edges.get(id);
    if (known) {
      known.count += 1;
      known.edge = null;
    } else edges.set(id, { id, from, to, type: edge.type, count: 1, edge });
  }
  return { nodes, edges: [...edges.values()] };
}
