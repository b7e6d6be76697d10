import type { DeclaredDependency } from '../../domain/dependencies/declared-dependency.js';
import { providedEnvironment } from '../../domain/dependencies/provided-environment.js';
import type { EnvironmentSpec } from '../../domain/lineage/environment.js';
import type { GraphEdge, LineageNode } from '../../domain/lineage/graph.js';
import { modelVersionNodeId, nodeId, packageNodeId, parsePackageNodeId } from '../../domain/lineage/node-id.js';
import * as declared from '../../store/repositories/dependencies/declared-dependency-repository.js';
import * as targetEnvs from '../../store/repositories/dependencies/target-environment-repository.js';
import type { Executor } from '../../store/store.js';

/**
 * The package edges of the lineage graph, read from what is declared and installed now rather than stored, so they
 * never lag behind a correction: `package —depends_on→ model_version` for each Python or npm package a live version
 * declares (its specifiers and markers on the edge) and `package —provides→ deployment_target` for each package in
 * a target's current environment (the installed version on the edge).
 */
export interface PackageEdgeSource {
  /** Edges whose downstream end is one of these nodes (model versions, deployment targets). */
  into(nodeIds: readonly string[]): Promise<GraphEdge[]>;
  /** Edges leaving one package node. */
  from(packageId: string): Promise<GraphEdge[]>;
  /** The package node, or undefined when nothing declares or provides the package. */
  node(packageId: string): Promise<LineageNode | undefined>;
}

type DeclaredRow = { model_id: string; version: number; document: string; updated_time?: number };
type TargetRow = Awaited<ReturnType<typeof targetEnvs.listTargetsWithEnvironments>>[number];

const PACKAGE_KINDS = new Set(['pypi', 'npm']);

function dependsOnEdges(row: DeclaredRow): GraphEdge[] {
  const byPackage = new Map<string, Pick<DeclaredDependency, 'specifier' | 'marker'>[]>();
  for (const d of (JSON.parse(row.document) as { dependencies: DeclaredDependency[] }).dependencies) {
    if (!PACKAGE_KINDS.has(d.kind)) continue;
    const id = packageNodeId(d.kind as 'pypi' | 'npm', d.name);
    const list = byPackage.get(id) ?? [];
    list.push({ specifier: d.specifier, ...(d.marker ? { marker: d.marker } : {}) });
    byPackage.set(id, list);
  }
  return [...byPackage].map(([id, declarations]) => ({
    from: id,
    to: modelVersionNodeId(row.model_id, row.version),
    type: 'depends_on' as const,
    runId: null,
    eventId: null,
    createdTime: row.updated_time ?? 0,
    attributes: { specifier: declarations.map((d) => d.specifier).join(' | '), declarations },
  }));
}

function providesEdges(row: TargetRow): GraphEdge[] {
  if (row.document === null) return [];
  const installed = providedEnvironment(JSON.parse(row.document) as EnvironmentSpec).packages;
  return Object.entries(installed).map(([key, version]) => ({
    from: key.startsWith('npm:') ? packageNodeId('npm', key.slice(4)) : packageNodeId('pypi', key),
    to: nodeId('deployment_target', row.target_id),
    type: 'provides' as const,
    runId: null,
    eventId: null,
    createdTime: 0,
    attributes: { version },
  }));
}

/** The node a package id names (the id comes from an edge or was checked against one). */
export function packageNode(packageId: string): LineageNode {
  const parsed = parsePackageNodeId(packageId) ?? { ecosystem: 'pypi', name: packageId };
  return {
    id: packageId,
    kind: 'package',
    label: `${parsed.name} (${parsed.ecosystem})`,
    attributes: { ecosystem: parsed.ecosystem, name: parsed.name },
    createdTime: 0,
  };
}

export function packageEdges(db: Executor): PackageEdgeSource {
  return {
    async into(nodeIds) {
      const versions = nodeIds.filter((id) => id.startsWith('model_version:'));
      const targets = new Set(nodeIds.filter((id) => id.startsWith('deployment_target:')));
      const edges: GraphEdge[] = [];
      if (versions.length > 0) {
        const wanted = new Set(versions);
        const models = versions.map((id) => id.slice('model_version:'.length, id.lastIndexOf('/')));
        for (const row of await declared.listDeclaredOfModels(db, models)) {
          if (wanted.has(modelVersionNodeId(row.model_id, row.version))) edges.push(...dependsOnEdges(row));
        }
      }
      if (targets.size > 0) {
        for (const row of await targetEnvs.listTargetsWithEnvironments(db)) {
          if (targets.has(nodeId('deployment_target', row.target_id))) edges.push(...providesEdges(row));
        }
      }
      return edges;
    },
    async from(packageId) {
      const parsed = parsePackageNodeId(packageId);
      if (parsed === undefined) return [];
      const edges: GraphEdge[] = [];
      const declaring = { kind: parsed.ecosystem, name: parsed.name };
      for (const row of await declared.listDeclaredVersions(db, { declaring })) {
        edges.push(...dependsOnEdges(row).filter((e) => e.from === packageId));
      }
      for (const row of await targetEnvs.listTargetsWithEnvironments(db)) {
        edges.push(...providesEdges(row).filter((e) => e.from === packageId));
      }
      return edges;
    },
    async node(packageId) {
      return (await this.from(packageId)).length === 0 ? undefined : packageNode(packageId);
    },
  };
}
