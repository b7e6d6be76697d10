import { notFound } from '../../domain/errors.js';
import { modelVersionNodeId, nodeId } from '../../domain/lineage/node-id.js';
import { listDeploymentsOf } from '../../store/repositories/lineage/entity-repository.js';
import { findNode, findNodes, upsertNode } from '../../store/repositories/lineage/node-repository.js';
import type { Executor } from '../../store/store.js';
import type { WriteScope } from '../unit-of-work.js';
import { ensureRunNode, recordEdge } from './graph-writer.js';

/** What the graph records about a model version: who trained it and what it depends on. */
export interface ModelVersionLineageInput {
  modelId: string;
  version: number;
  modelName?: string | null;
  /** The run that trained the version: recorded as run —produced→ model version. */
  runId?: string | null;
  featureVersionIds?: string[];
  environmentId?: string | null;
  codeRefId?: string | null;
  createdTime?: number;
}

/**
 * Puts a model version into the lineage graph with its `produced` and `depends_on` edges, inside the caller's
 * transaction. The registry calls this when it creates a version so the version and its lineage appear together;
 * the native lineage API calls it to declare dependencies later. Calling it again adds edges, never removes them.
 */
export async function recordModelVersionLineage(
  scope: WriteScope,
  input: ModelVersionLineageInput,
  now: number,
): Promise<string> {
  const id = modelVersionNodeId(input.modelId, input.version);
  const existing = await findNode(scope.db, id);
  const modelName = input.modelName ?? (existing?.attributes.modelName as string | undefined) ?? null;
  await upsertNode(scope.db, {
    id,
    kind: 'model_version',
    label: `${modelName ?? input.modelId} v${input.version}`,
    attributes: {
      ...existing?.attributes,
      modelId: input.modelId,
      version: input.version,
      ...(modelName ? { modelName } : {}),
    },
    createdTime: existing?.createdTime ?? input.createdTime ?? now,
  });
  const runId = input.runId ?? null;
  if (runId) {
    const runNode = await ensureRunNode(scope, runId);
    await recordEdge(scope, { from: runNode, to: id, type: 'produced', runId }, now);
  }
  const dependencies = [
    ...(input.featureVersionIds ?? []).map((f) => nodeId('feature_version', f)),
    ...(input.environmentId ? [nodeId('environment', input.environmentId)] : []),
    ...(input.codeRefId ? [nodeId('code_ref', input.codeRefId)] : []),
  ];
  for (const dependency of dependencies) {
    if (!(await findNode(scope.db, dependency))) throw notFound(`Lineage node ${dependency} does not exist`);
    await recordEdge(scope, { from: dependency, to: id, type: 'depends_on', runId }, now);
  }
  return id;
}

/** A deployment's label: the model version by name, and where it went. */
export const deploymentLabel = (modelName: string, version: number, targetName: string): string =>
  `${modelName}/${version} → ${targetName}`;

/**
 * A renamed model's version nodes, and the nodes of their deployments, take the new name, so lineage views and
 * impact reports name the model as the registry does. Nodes of deleted versions stay in the graph as history and are
 * renamed too.
 */
export async function renameModelVersionNodes(
  db: Executor,
  model: { modelId: string; lastVersion: number; name: string },
): Promise<void> {
  const versions = Array.from({ length: model.lastVersion }, (_, i) => i + 1);
  const nodes = await findNodes(
    db,
    versions.map((version) => modelVersionNodeId(model.modelId, version)),
  );
  for (const version of versions) {
    const node = nodes.get(modelVersionNodeId(model.modelId, version));
    if (!node) continue;
    await upsertNode(db, {
      ...node,
      label: `${model.name} v${version}`,
      attributes: { ...node.attributes, modelName: model.name },
    });
  }
  const deployments = await listDeploymentsOf(db, [...nodes.keys()]);
  const deploymentNodes = await findNodes(
    db,
    deployments.map((d) => nodeId('deployment', d.deployment_id)),
  );
  for (const deployment of deployments) {
    const node = deploymentNodes.get(nodeId('deployment', deployment.deployment_id));
    const version = nodes.get(deployment.model_version_node)?.attributes.version;
    if (!node || typeof version !== 'number') continue;
    await upsertNode(db, { ...node, label: deploymentLabel(model.name, version, deployment.target_name) });
  }
}
