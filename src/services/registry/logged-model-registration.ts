import { modelVersionNodeId } from '../../domain/lineage/node-id.js';
import { findLoggedModelTag, upsertLoggedModelValues } from '../../store/repositories/logged-model-repository.js';
import type { LoggedModelsTable } from '../../store/schema-logged-models.js';
import { recordEdge } from '../lineage/graph-writer.js';
import { recordLoggedModelLineage } from '../lineage/logged-model-lineage.js';
import { recordLoggedModelState } from '../tracking/logged-model-records.js';
import type { WriteScope } from '../unit-of-work.js';

/** The tag MLflow 3 keeps on a LoggedModel listing the versions registered from it. */
export const MODEL_VERSIONS_TAG = 'mlflow.modelVersions';

/**
 * A version was registered from a LoggedModel: the model lists it in its `mlflow.modelVersions` tag (as MLflow's
 * server does, in Python's JSON spelling so clients comparing text see the same), and the graph gets
 * logged model —derived_from→ model version next to the source run's `produced` edges.
 */
export async function noteRegistration(
  scope: WriteScope,
  logged: LoggedModelsTable,
  registryModelId: string,
  name: string,
  version: number,
  now: number,
): Promise<void> {
  const current = await findLoggedModelTag(scope.db, logged.model_id, MODEL_VERSIONS_TAG);
  const entries = [...registrationsIn(current), { name, version }];
  const value = `[${entries.map((e) => `{"name": ${JSON.stringify(e.name)}, "version": ${JSON.stringify(e.version)}}`).join(', ')}]`;
  await upsertLoggedModelValues(scope.db, 'logged_model_tags', logged.model_id, [{ key: MODEL_VERSIONS_TAG, value }]);
  const state = await recordLoggedModelState(scope, logged.model_id, 'logged_model.register');
  const node = await recordLoggedModelLineage(scope, state, now);
  await recordEdge(
    scope,
    { from: node, to: modelVersionNodeId(registryModelId, version), type: 'derived_from', runId: logged.source_run_id },
    now,
  );
}

function registrationsIn(value: string | undefined): { name: string; version: unknown }[] {
  if (value === undefined) return [];
  try {
    const parsed: unknown = JSON.parse(value);
    if (!Array.isArray(parsed)) return [];
    return parsed.filter(
      (e): e is { name: string; version: unknown } => typeof e === 'object' && e !== null && typeof e.name === 'string',
    );
  } catch {
    return [];
  }
}
