import { nodeId } from '../../domain/lineage/node-id.js';
import type { LoggedModel } from '../../domain/tracking/logged-model.js';
import { ensureNode, findNode, upsertNode } from '../../store/repositories/lineage/node-repository.js';
import type { WriteScope } from '../unit-of-work.js';
import { ensureRunNode, recordEdge } from './graph-writer.js';

export const loggedModelNodeId = (modelId: string): string => nodeId('logged_model', modelId);

/** Puts an MLflow 3 LoggedModel into the graph; its source run, when it has one, `produced` it. */
export async function recordLoggedModelLineage(scope: WriteScope, model: LoggedModel, now: number): Promise<string> {
  const id = loggedModelNodeId(model.modelId);
  await upsertNode(scope.db, {
    id,
    kind: 'logged_model',
    label: model.name,
    attributes: { modelId: model.modelId, name: model.name, experimentId: model.experimentId },
    createdTime: model.creationTime,
  });
  if (model.sourceRunId) {
    const run = await ensureRunNode(scope, model.sourceRunId);
    await recordEdge(scope, { from: run, to: id, type: 'produced', runId: model.sourceRunId }, now);
  }
  return id;
}

/** A run produced a model (`runs/outputs`) or used one (a model input): one edge either way. */
export async function recordRunModelLineage(
  scope: WriteScope,
  runId: string,
  modelId: string,
  direction: 'output' | 'input',
  now: number,
): Promise<void> {
  const model = loggedModelNodeId(modelId);
  if (!(await findNode(scope.db, model))) {
    await ensureNode(scope.db, {
      id: model,
      kind: 'logged_model',
      label: modelId,
      attributes: { modelId },
      createdTime: now,
    });
  }
  const run = await ensureRunNode(scope, runId);
  await recordEdge(
    scope,
    direction === 'output'
      ? { from: run, to: model, type: 'produced', runId }
      : { from: model, to: run, type: 'consumed', runId },
    now,
  );
}
