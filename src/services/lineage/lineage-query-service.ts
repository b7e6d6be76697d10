import type { ReadableSet } from '../../domain/access/readable-set.js';
import { invalid, notFound } from '../../domain/errors.js';
import { type Completeness, lineageCompleteness } from '../../domain/lineage/completeness.js';
import { type DepthLimit, depthLimit, MAX_DEPTH } from '../../domain/lineage/depth.js';
import { type EdgeType, LINEAGE_EDGE_TYPES, type LineageEdgeType } from '../../domain/lineage/edge-types.js';
import {
  breadthFirst,
  type Direction,
  type GraphEdge,
  type LineageEdge,
  type LineageNode,
  pathTo,
} from '../../domain/lineage/graph.js';
import { toGraphMl } from '../../domain/lineage/graphml.js';
import {
  type GraphReached,
  type ImpactReport,
  impactReport,
  type ReachedNode,
  reachedNodes,
  toStep,
} from '../../domain/lineage/impact.js';
import { marquezGraph } from '../../domain/lineage/marquez-graph.js';
import {
  modelVersionNodeId,
  type NodeKind,
  nodeId,
  parseNodeId,
  parsePackageNodeId,
} from '../../domain/lineage/node-id.js';
import { parseMarquezName } from '../../domain/lineage/node-names.js';
import { type ProvDocument, provDocument } from '../../domain/lineage/prov-document.js';
import { CODE_TAGS } from '../../domain/provenance/run-provenance.js';
import { closure } from '../../store/repositories/lineage/closure-query.js';
import { edgesTouching, listEdges } from '../../store/repositories/lineage/edge-repository.js';
import * as entities from '../../store/repositories/lineage/entity-repository.js';
import { findModelIdentity } from '../../store/repositories/lineage/model-identity.js';
import { findNode, findNodes, listNodes, searchNodes } from '../../store/repositories/lineage/node-repository.js';
import { checksOf, evaluationsOf } from '../../store/repositories/registry/evaluation-repository.js';
import { registeredWithFiles } from '../../store/repositories/registry/version-repository.js';
import { anyRunTagged, findRunRows } from '../../store/repositories/run-repository.js';
import type { Executor } from '../../store/store.js';
import type { LineageDeps } from '../service-deps.js';
import { runNodeAttributes } from './graph-writer.js';
import { resolveNodeId } from './node-resolver.js';
import { type PackageEdgeSource, packageEdges, packageNode } from './package-edges.js';
import { type PackageImpact, type PackageImpactQuestion, packageImpact } from './package-impact-query.js';

const stepOf = (edge: GraphEdge) => ({ from: edge.from, to: edge.to, type: edge.type, runId: edge.runId });
const byDepthThenId = (a: GraphReached, b: GraphReached) => a.depth - b.depth || a.node.id.localeCompare(b.node.id);

export interface WalkOptions {
  depth?: string | number | undefined;
  edgeTypes?: readonly LineageEdgeType[] | undefined;
}

export interface WalkResult {
  roots: LineageNode[];
  direction: Direction;
  edgeTypes: LineageEdgeType[];
  nodes: ReachedNode[];
  edges: LineageEdge[];
  depth: DepthLimit;
  /** True when nodes lie beyond the applied depth: ask again with a larger depth (up to the cap) to see them. */
  truncated: boolean;
}

const DEFAULT_SEARCH_RESULTS = 100;
const MAX_SEARCH_RESULTS = 1000;

/** Edge types along which something is "trained on" data: everything except deployment. */
export const TRAINING_EDGES: EdgeType[] = ['consumed', 'produced', 'derived_from', 'depends_on'];

/** A walk as lineage reads answer it: with the package nodes and edges derived from dependencies and environments. */
export interface GraphWalk extends Omit<WalkResult, 'nodes' | 'edges'> {
  nodes: GraphReached[];
  edges: GraphEdge[];
}

/** Read-only questions over the lineage graph. Closures are computed by recursive SQL; paths are read back here. */
export class LineageQueryService {
  constructor(private readonly deps: LineageDeps) {}

  private get db(): Executor {
    return this.deps.store.db;
  }

  private get packages(): PackageEdgeSource {
    return packageEdges(this.db);
  }

  /** A node by its id or any name users know it by (see resolveNodeId). */
  async node(id: string): Promise<LineageNode> {
    if (parsePackageNodeId(id) !== undefined) {
      const node = await this.packages.node(id);
      if (node === undefined) throw notFound(`Lineage node ${id} does not exist`);
      return node;
    }
    return this.load(await resolveNodeId(this.db, id), id);
  }

  private async load(id: string, asked = id): Promise<LineageNode> {
    const node = await findNode(this.db, id);
    if (!node) throw notFound(`Lineage node ${asked} does not exist`);
    return (await this.withLiveAttributes([node]))[0]!;
  }

  /** Nodes of a kind and/or matching text in their id or label, newest first, at most `maxResults` of them. */
  async searchNodes(filter: { kind?: NodeKind; query?: string; maxResults?: number }) {
    const limit = filter.maxResults ?? DEFAULT_SEARCH_RESULTS;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_SEARCH_RESULTS) {
      throw invalid(`maxResults must be an integer from 1 to ${MAX_SEARCH_RESULTS}`);
    }
    const found = await searchNodes(this.db, { kind: filter.kind, text: filter.query, limit });
    return { nodes: await this.withLiveAttributes(found.slice(0, limit)), truncated: found.length > limit };
  }

  /** A walk over the stored graph only (what revalidation and the other graph questions follow). */
  async walk(asked: readonly string[], direction: Direction, options: WalkOptions = {}): Promise<WalkResult> {
    const rootIds = await Promise.all(asked.map((id) => resolveNodeId(this.db, id)));
    const roots = await Promise.all(rootIds.map((id, i) => this.load(id, asked[i])));
    const depth = depthLimit(options.depth);
    const edgeTypes = [...(options.edgeTypes ?? LINEAGE_EDGE_TYPES)];
    const stored = edgeTypes.filter((t): t is EdgeType => t !== 'provides');
    const reach = await closure(this.db, rootIds, direction, stored, depth.applied);
    const inside = [...reach.depths.keys()];
    const edges = await this.edgesWithin(inside, direction, stored);
    const reached = breadthFirst(rootIds, edges, direction, depth.applied);
    const nodes = await this.withLiveAttributes([...(await findNodes(this.db, inside)).values()]);
    return {
      roots,
      direction,
      edgeTypes,
      nodes: reachedNodes(reached, new Map(nodes.map((n) => [n.id, n]))),
      edges,
      depth,
      truncated: reach.truncated,
    };
  }

  /**
   * A walk as the lineage reads answer it, package nodes included. Package nodes only have outgoing edges, so they
   * are leaves of an upstream or undirected walk (the packages a reached model version declares, or a reached target
   * runs), and a walk goes past one only when it starts there: to its model versions and targets, then downstream
   * of them. An undirected walk does not cross from one model version through a shared package to another; ask
   * from the package for that.
   */
  async read(asked: string, direction: Direction, options: WalkOptions = {}): Promise<GraphWalk> {
    const edgeTypes = [...(options.edgeTypes ?? LINEAGE_EDGE_TYPES)];
    const wanted = (e: GraphEdge) => edgeTypes.includes(e.type);
    if (parsePackageNodeId(asked) !== undefined) {
      return this.readFromPackage(asked, direction, { ...options, edgeTypes }, wanted);
    }
    const walk = await this.walk([asked], direction, options);
    if (direction === 'downstream') return walk;
    const reached = new Map<string, { depth: number; path: GraphReached['path'] }>([
      [walk.roots[0]!.id, { depth: 0, path: [] }],
      ...walk.nodes.map((r) => [r.node.id, r] as const),
    ]);
    const limit = walk.depth.applied;
    const within = [...reached].filter(([, r]) => r.depth < limit).map(([id]) => id);
    const atLimit = [...reached].filter(([, r]) => r.depth === limit).map(([id]) => id);
    const added = (await this.packages.into(within)).filter(wanted);
    const packages = new Map<string, GraphReached>();
    for (const edge of added) {
      const via = reached.get(edge.to)!;
      const known = packages.get(edge.from);
      if (known !== undefined && known.depth <= via.depth + 1) continue;
      packages.set(edge.from, {
        node: packageNode(edge.from),
        depth: via.depth + 1,
        path: [...via.path, stepOf(edge)],
      });
    }
    const beyond = atLimit.length > 0 && (await this.packages.into(atLimit)).some(wanted);
    return {
      ...walk,
      nodes: [...walk.nodes, ...[...packages.values()].sort(byDepthThenId)],
      edges: [...walk.edges, ...added],
      truncated: walk.truncated || beyond,
    };
  }

  private async readFromPackage(
    packageId: string,
    direction: Direction,
    options: WalkOptions,
    wanted: (e: GraphEdge) => boolean,
  ): Promise<GraphWalk> {
    const out = (await this.packages.from(packageId)).filter(wanted);
    if (out.length === 0 && (await this.packages.node(packageId)) === undefined) {
      throw notFound(`Lineage node ${packageId} does not exist`);
    }
    const depth = depthLimit(options.depth);
    const answer = {
      roots: [packageNode(packageId)],
      direction,
      edgeTypes: [...(options.edgeTypes ?? [])],
      depth,
    };
    if (direction === 'upstream' || out.length === 0) return { ...answer, nodes: [], edges: [], truncated: false };
    if (depth.applied === 0) return { ...answer, nodes: [], edges: [], truncated: true };
    // One walk from every node the package reaches, so each node gets its smallest depth from the package.
    const first = new Map<string, GraphEdge>();
    for (const edge of out) if (!first.has(edge.to)) first.set(edge.to, edge);
    const walk = await this.walk([...first.keys()], 'downstream', { ...options, depth: depth.applied - 1 });
    const nodes: GraphReached[] = walk.roots.map((node) => ({ node, depth: 1, path: [stepOf(first.get(node.id)!)] }));
    for (const r of walk.nodes) {
      const start = first.get(r.path[0]?.from ?? '');
      nodes.push({ node: r.node, depth: r.depth + 1, path: [...(start ? [stepOf(start)] : []), ...r.path] });
    }
    return { ...answer, nodes: nodes.sort(byDepthThenId), edges: [...out, ...walk.edges], truncated: walk.truncated };
  }

  /** What a range of a package's versions touches: declaring model versions, targets running it, their deployments. */
  async packageImpact(question: PackageImpactQuestion, visible: ReadableSet): Promise<PackageImpact> {
    return packageImpact(this.db, question, visible);
  }

  async impact(id: string, options: WalkOptions = {}): Promise<ImpactReport & Pick<WalkResult, 'depth' | 'truncated'>> {
    const walk = await this.walk([id], 'downstream', options);
    return { ...impactReport(walk.roots[0]!, walk.nodes), depth: walk.depth, truncated: walk.truncated };
  }

  /**
   * Model versions whose training used the dataset version, directly or through features and derived data. The
   * version may also be named as Marquez names a dataset (`dataset:<namespace>:<name>`, its newest version).
   */
  async modelsTrainedOn(datasetVersionId: string, options: WalkOptions = {}) {
    const root =
      parseMarquezName(datasetVersionId)?.kind === 'dataset'
        ? datasetVersionId
        : nodeId('dataset_version', datasetVersionId);
    const walk = await this.walk([root], 'downstream', {
      ...options,
      edgeTypes: TRAINING_EDGES,
    });
    return {
      datasetVersion: walk.roots[0]!,
      modelVersions: walk.nodes.filter((r) => r.node.kind === 'model_version'),
      depth: walk.depth,
      truncated: walk.truncated,
    };
  }

  /** Everything downstream of any version of a feature. */
  async featureDependents(featureName: string, options: WalkOptions = {}) {
    const feature = await entities.findFeatureByName(this.db, featureName);
    if (!feature) throw notFound(`Feature '${featureName}' does not exist`);
    const versions = await entities.listFeatureVersions(this.db, feature.feature_id);
    const roots = versions.map((v) => nodeId('feature_version', v.feature_version_id));
    const walk = await this.walk(roots, 'downstream', options);
    return {
      feature: featureName,
      featureVersions: walk.roots,
      dependents: walk.nodes,
      depth: walk.depth,
      truncated: walk.truncated,
    };
  }

  /**
   * The shortest chain of edges between two nodes, following the data flow from `from` to `to`, or from `to` to
   * `from` when that is the way the data went.
   */
  async path(fromAsked: string, toAsked: string, options: WalkOptions = {}) {
    const from = (await this.node(fromAsked)).id;
    const to = (await this.node(toAsked)).id;
    for (const [start, end, direction] of [
      [from, to, 'downstream'],
      [to, from, 'downstream'],
    ] as const) {
      const walk = await this.walk([start], direction, options);
      const reached = breadthFirst(start, walk.edges, direction, walk.depth.applied);
      const found = pathTo(reached, end);
      if (found) {
        return {
          found: true,
          from: start,
          to: end,
          length: found.edges.length,
          nodes: found.nodes,
          edges: found.edges.map(toStep),
          depth: walk.depth,
        };
      }
      if (start === end) break;
    }
    return { found: false, from, to, length: null, nodes: [], edges: [], depth: depthLimit(options.depth) };
  }

  /** The graph around a node in Marquez's lineage shape: every node within depth edges, whichever way they point. */
  async neighbourhood(id: string, options: WalkOptions = {}) {
    const walk = await this.read(id, 'both', options);
    const nodes = [walk.roots[0]!, ...walk.nodes.map((r) => r.node)];
    return { ...marquezGraph(nodes, walk.edges), depth: walk.depth, truncated: walk.truncated };
  }

  /** Everything upstream of a model version, named by model id or name. */
  async modelVersionUpstream(model: string, version: number): Promise<WalkResult> {
    const modelId = (await findModelIdentity(this.db, model))?.modelId ?? model;
    return this.walk([modelVersionNodeId(modelId, version)], 'upstream', { depth: MAX_DEPTH });
  }

  /** The model version's full provenance as W3C PROV-JSON: everything upstream of it, and the version itself. */
  async provenance(modelId: string, version: number): Promise<ProvDocument> {
    const modelIdFound = (await findModelIdentity(this.db, modelId))?.modelId ?? modelId;
    const walk = await this.read(modelVersionNodeId(modelIdFound, version), 'upstream', { depth: MAX_DEPTH });
    return provDocument([walk.roots[0]!, ...walk.nodes.map((r) => r.node)], walk.edges);
  }

  async completeness(modelId: string, version: number): Promise<Completeness & { modelVersion: string }> {
    const walk = await this.modelVersionUpstream(modelId, version);
    const id = walk.roots[0]!.id;
    const outgoing = await edgesTouching(this.db, [id], 'from', ['consumed']);
    const producers = walk.nodes
      .filter((r) => r.node.kind === 'run' && r.path.length === 1 && r.path[0]!.type === 'produced')
      .map((r) => parseNodeId(r.node.id).entityId);
    const identity = await findModelIdentity(this.db, modelId);
    const recorded = {
      evaluations:
        identity !== undefined &&
        ((await evaluationsOf(this.db, identity.modelId, version)).length > 0 ||
          (await checksOf(this.db, identity.modelId, version)).length > 0),
      producerGitCommit: await anyRunTagged(this.db, producers, CODE_TAGS.commit),
      files: identity !== undefined && (await registeredWithFiles(this.db, identity.modelId, version)),
    };
    return { modelVersion: id, ...lineageCompleteness(id, walk.nodes, outgoing, recorded) };
  }

  async exportGraph(format: 'json' | 'graphml'): Promise<{ contentType: string; body: string | object }> {
    const nodes = await this.withLiveAttributes(await listNodes(this.db));
    const edges = await listEdges(this.db);
    if (format === 'graphml') return { contentType: 'application/graphml+xml', body: toGraphMl(nodes, edges) };
    return { contentType: 'application/json', body: { nodes, edges } };
  }

  /** Edges walked by a closure: those leaving its nodes in the walk's direction and landing inside it. */
  private async edgesWithin(inside: string[], direction: Direction, types: EdgeType[]): Promise<LineageEdge[]> {
    // Only derived edge types asked for (`provides`): no stored edge to look for, and `in ()` is no SQL.
    if (types.length === 0) return [];
    const members = new Set(inside);
    const found = new Map<string, LineageEdge>();
    const sides: ('from' | 'to')[] =
      direction === 'downstream' ? ['from'] : direction === 'upstream' ? ['to'] : ['from', 'to'];
    for (const side of sides) {
      for (const edge of await edgesTouching(this.db, inside, side, types)) {
        if (members.has(edge.from) && members.has(edge.to)) found.set(`${edge.from} ${edge.type} ${edge.to}`, edge);
      }
    }
    return [...found.values()];
  }

  /** Run nodes show the run as it is now (status, end time), not as it was when the first edge was recorded. */
  private async withLiveAttributes(nodes: LineageNode[]): Promise<LineageNode[]> {
    const runIds = nodes.filter((n) => n.kind === 'run').map((n) => n.id.slice('run:'.length));
    if (runIds.length === 0) return nodes;
    const rows = new Map<string, Record<string, unknown>>();
    for (const row of await findRunRows(this.db, runIds)) rows.set(nodeId('run', row.run_id), runNodeAttributes(row));
    return nodes.map((n) => {
      const live = rows.get(n.id);
      return live ? { ...n, attributes: { ...n.attributes, ...live } } : n;
    });
  }
}
