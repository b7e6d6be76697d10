import type { DatasetInput } from '../../domain/tracking/entities.js';
import { oldestVersionWithDigest } from '../../store/repositories/lineage/dataset-version-repository.js';
import type { WriteScope } from '../unit-of-work.js';
import { saveDatasetVersion } from './dataset-versions.js';
import { ensureRunNode, recordEdge } from './graph-writer.js';
import type { UpstreamChangeHandler } from './upstream-changes.js';

/** Namespace of datasets that reached Mnemo only through MLflow's log_inputs. */
export const MLFLOW_DATASET_NAMESPACE = 'mlflow';

/**
 * Records `dataset version —consumed→ run` for datasets a run logged as inputs, inside RunService.logInputs'
 * transaction. A dataset version registered with the same digest is the one consumed; otherwise the MLflow dataset
 * becomes a version (keyed by its digest) of a dataset in the `mlflow` namespace.
 */
export async function recordRunInputs(
  scope: WriteScope,
  runId: string,
  inputs: readonly DatasetInput[],
  now: number,
  upstream?: UpstreamChangeHandler,
): Promise<void> {
  const runNode = await ensureRunNode(scope, runId);
  for (const input of inputs) {
    const registered = await oldestVersionWithDigest(scope.db, input.digest);
    const version =
      registered ??
      (await saveDatasetVersion(
        scope,
        {
          namespace: MLFLOW_DATASET_NAMESPACE,
          name: input.name,
          versionKey: input.digest,
          uri: uriOf(input.source),
          digest: input.digest,
        },
        'merge',
        now,
        upstream,
      ));
    const context = input.tags.find((t) => t.key === 'mlflow.data.context')?.value;
    await recordEdge(
      scope,
      { from: version.nodeId, to: runNode, type: 'consumed', runId, attributes: context ? { context } : {} },
      now,
    );
  }
}

/** MLflow sources are JSON such as {"uri": "s3://…"} or {"path": "…"}; anything else is kept as it came. */
function uriOf(source: string): string | null {
  try {
    const parsed: unknown = JSON.parse(source);
    if (typeof parsed === 'object' && parsed !== null) {
      for (const key of ['uri', 'url', 'path', 'table_name']) {
        const value = (parsed as Record<string, unknown>)[key];
        if (typeof value === 'string' && value !== '') return value;
      }
    }
  } catch {
    // not JSON
  }
  return source === '' ? null : source;
}
