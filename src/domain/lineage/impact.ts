import type { GraphEdge, LineageEdge, LineageNode, Reached } from './graph.js';
import { pathTo } from './graph.js';
import type { NodeKind } from './node-id.js';

/** One step of a path as reports show it: which edge, in its stored direction, and the run that made it. */
export interface PathStep {
  from: string;
  to: string;
  type: LineageEdge['type'];
  runId: string | null;
}

export interface ReachedNode {
  node: LineageNode;
  depth: number;
  /** How the root reaches this node: the shortest chain of edges, root first. */
  path: PathStep[];
}

/** A reached node in a read that includes derived edges (package nodes and their edges). */
export interface GraphReached {
  node: LineageNode;
  depth: number;
  path: (Omit<PathStep, 'type'> & { type: GraphEdge['type'] })[];
}

export interface ImpactReport {
  root: LineageNode;
  runs: ReachedNode[];
  modelVersions: ReachedNode[];
  /** Registered models with at least one affected version. */
  models: { modelId: string; name: string | null; versions: string[] }[];
  datasetVersions: ReachedNode[];
  featureVersions: ReachedNode[];
  deployments: ReachedNode[];
  deploymentTargets: ReachedNode[];
}

export const toStep = (edge: LineageEdge): PathStep => ({
  from: edge.from,
  to: edge.to,
  type: edge.type,
  runId: edge.runId,
});

/** Every reached node (root excluded) with its depth and path, nearest first, then by id for a stable order. */
export function reachedNodes(reached: Map<string, Reached>, nodes: ReadonlyMap<string, LineageNode>): ReachedNode[] {
  const result: ReachedNode[] = [];
  for (const [id, { depth }] of reached) {
    const node = nodes.get(id);
    if (depth === 0 || !node) continue;
    result.push({ node, depth, path: (pathTo(reached, id)?.edges ?? []).map(toStep) });
  }
  return result.sort((a, b) => a.depth - b.depth || (a.node.id < b.node.id ? -1 : a.node.id > b.node.id ? 1 : 0));
}

/** Sorts what a change to the root reaches downstream into the groups people ask about after a change. */
export function impactReport(root: LineageNode, downstream: ReachedNode[]): ImpactReport {
  const of = (kind: NodeKind) => downstream.filter((r) => r.node.kind === kind);
  const modelVersions = of('model_version');
  const models = new Map<string, { modelId: string; name: string | null; versions: string[] }>();
  for (const { node } of modelVersions) {
    const modelId = String(node.attributes.modelId ?? node.id.slice('model_version:'.length).split('/')[0]);
    const name = typeof node.attributes.modelName === 'string' ? node.attributes.modelName : null;
    const entry = models.get(modelId) ?? { modelId, name, versions: [] };
    entry.versions.push(node.id);
    models.set(modelId, entry);
  }
  return {
    root,
    runs: of('run'),
    modelVersions,
    models: [...models.values()],
    datasetVersions: of('dataset_version'),
    featureVersions: of('feature_version'),
    deployments: of('deployment'),
    deploymentTargets: of('deployment_target'),
  };
}
