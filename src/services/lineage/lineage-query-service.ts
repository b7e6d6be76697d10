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
import { type PackageEdgeSource, packageEdges } from './package-edges.js';
import { type PackageImpact, type PackageImpactQuestion, packageImpact } from './package-impact-query.js';

const stepOf = (edge: GraphEdge) => ({ from: edge.from, to: edge.to, type: edge.type, runId: edge.runId });

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
   * are leaves of an upstream walk (the packages a reached model version declares, or a reached target runs), and
   * a downstream or undirected walk reaches past one only when it starts at it: its model versions and targets,
   * then the stored graph beyond them. An undirected walk does not cross from one model version through a shared
   * package to another; ask from the package for that.
   */
  async read(asked: string, direction: Direction, options: WalkOptions = {}): Promise<GraphWalk> {
    const edgeTypes = [...(options.edgeTypes ?? LINEAGE_EDGE_TYPES)];
    const derived = (e: GraphEdge) => edgeTypes.includes(e.type);
    if (parsePackageNodeId(asked) !== undefined)
      return this.readFromPackage(asked, direction, { ...options, edgeTypes }, derived);
    const walk = await this.walk([asked], direction, options);
    if (direction === 'downstream') return walk;
    const depth = new Map<string, number>([
      [walk.roots[0]!.id, 0],
      ...walk.nodes.map((r) => [r.node.id, r.depth] as const),
    ]);
    const paths = new Map<string, GraphReached['path']>(walk.nodes.map((r) => [r.node.id, r.path]));
    const near = [...depth].filter(([, d]) => d < walk.depth.applied).map(([id]) => id);
    const added = (await this.packages.into(near)).filter(derived);
    const nodes: GraphReached[] = [...walk.nodes];
    const packageNodes = new Map<string, GraphReached>();
    for (const edge of added.sort((a, b) => depth.get(a.to)! - depth.get(b.to)! || a.to.localeCompare(b.to))) {
      if (packageNodes.has(edge.from)) continue;
      const node = await this.packages.node(edge.from);
      if (node === undefined) continue;
      const reached = { node, depth: depth.get(edge.to)! + 1, path: [...(paths.get(edge.to) ?? []), stepOf(edge)] };
      packageNodes.set(edge.from, reached);
    }
    nodes.push(...[...packageNodes.values()].sort((a, b) => a.depth - b.depth || a.node.id.localeCompare(b.node.id)));
    const beyond = [...depth].some(
      ([id, d]) => d === walk.depth.applied && (id.startsWith('model_version:') || id.startsWith('deployment_target:')),
    );
    const truncated =
      walk.truncated ||
      (beyond &&
        (await this.packages.into([...depth].filter(([, d]) => d === walk.depth.applied).map(([id]) => id))).some(
          derived,
        ));
    return { ...walk, nodes, edges: [...walk.edges, ...added], truncated };
  }

  private async readFromPackage(
    packageId: string,
    direction: Direction,
    options: WalkOptions,
    derived: (e: GraphEdge) => boolean,
  ): Promise<GraphWalk> {
    const root = await this.packages.node(packageId);
    if (root === undefined) throw notFound(`Lineage node ${packageId} does not exist`);
    const depth = depthLimit(options.depth);
    const empty = { roots: [root], direction, edgeTypes: [...(options.edgeTypes ?? [])], depth, nodes: [], edges: [] };
    const out = (await this.packages.from(packageId)).filter(derived);
    if (direction === 'upstream' || depth.applied === 0)
      return { ...empty, truncated: direction !== 'upstream' && out.length > 0 };
    const children = [...new Set(out.map((e) => e.to))].sort();
    const nodes: GraphReached[] = [];
    const edges: GraphEdge[] = [...out];
    const seen = new Set<string>([packageId]);
    let truncated = false;
    const further: { path: GraphReached['path']; walk: WalkResult }[] = [];
    for (const child of children) {
      const via = out.find((e) => e.to === child)!;
      const walk = await this.walk([child], direction === 'both' ? 'downstream' : direction, {
        ...options,
        depth: depth.applied - 1,
      });
      nodes.push({ node: walk.roots[0]!, depth: 1, path: [stepOf(via)] });
      seen.add(child);
      further.push({ path: [stepOf(via)], walk });
      truncated ||= walk.truncated;
    }
    for (const { path, walk } of further) {
      for (const r of walk.nodes) {
        if (seen.has(r.node.id)) continue;
        seen.add(r.node.id);
        nodes.push({ node: r.node, depth: r.depth + 1, path: [...path, ...r.path] });
      }
      for (const e of walk.edges)
        if (!edges.some((x) => x.from === e.from && x.to === e.to && x.type === e.type)) edges.push(e);
    }
    nodes.sort((a, b) => a.depth - b.depth || a.node.id.localeCompare(b.node.id));
    return { ...empty, nodes, edges, truncated };
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
