import { notFound } from '../../domain/errors.js';
import type { AuditActionRecording } from '../../domain/provenance/audit-events/catalog.js';
import type { LoggedModel, LoggedModelMetric } from '../../domain/tracking/logged-model.js';
import {
  findLoggedModelRow,
  hydrateLoggedModels,
  raiseLoggedModelMetric,
} from '../../store/repositories/logged-model-repository.js';
import type { LoggedModelsTable } from '../../store/schema-logged-models.js';
import type { Executor } from '../../store/store.js';
import type { WriteScope } from '../unit-of-work.js';

/**
 * The pieces of a LoggedModel write that other services share (a metric logged by a run can name a model): each
 * runs inside the caller's transaction and records the model's new state as its audit event.
 */
export async function requireLoggedModel(db: Executor, modelId: string): Promise<LoggedModelsTable> {
  const row = await findLoggedModelRow(db, modelId);
  if (!row || row.lifecycle_stage !== 'active') throw notFound(`Logged model with ID '${modelId}' not found.`);
  return row;
}

export async function loadLoggedModel(db: Executor, modelId: string): Promise<LoggedModel> {
  return (await hydrateLoggedModels(db, [await requireLoggedModel(db, modelId)]))[0]!;
}

/** Records the new state of a model as an audit event and answers it. */
export async function recordLoggedModelState(
  scope: WriteScope,
  modelId: string,
  action: AuditActionRecording<'logged_model', LoggedModel>,
): Promise<LoggedModel> {
  const model = (await hydrateLoggedModels(scope.db, [(await findLoggedModelRow(scope.db, modelId))!]))[0]!;
  scope.audit({ action, entityKind: 'logged_model', entityId: modelId, state: model });
  return model;
}

/** Metrics a run logged against models (with the dataset they were measured on): each model keeps the latest. */
export async function recordModelMetrics(
  scope: WriteScope,
  points: readonly (LoggedModelMetric & { modelId: string })[],
): Promise<void> {
  const models = new Set(points.map((p) => p.modelId));
  for (const modelId of models) await requireLoggedModel(scope.db, modelId);
  for (const { modelId, ...metric } of points) await raiseLoggedModelMetric(scope.db, modelId, metric);
  // Like MLflow, a metric does not count as an update of the model: last_updated_time tracks its status.
  for (const modelId of models) await recordLoggedModelState(scope, modelId, 'logged_model.log_metrics');
}
