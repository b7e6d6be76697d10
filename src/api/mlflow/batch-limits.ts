import { invalid } from '../../domain/errors.js';

/**
 * MLflow's per-request limits for runs/log-batch. Mnemo's own batch endpoint accepts more, but a script written
 * against MLflow must see the same refusals here as there, so its splitting logic is exercised the same way.
 */
export const MLFLOW_BATCH_LIMITS = { metrics: 1000, params: 100, tags: 100, total: 1000 } as const;

export function checkMlflowBatchLimits(counts: { metrics: number; params: number; tags: number }): void {
  for (const kind of ['metrics', 'params', 'tags'] as const) {
    if (counts[kind] > MLFLOW_BATCH_LIMITS[kind]) {
      throw invalid(
        `A batch logging request can contain at most ${MLFLOW_BATCH_LIMITS[kind]} ${kind}. Got ${counts[kind]} ` +
          `${kind}. Please split up ${kind} across multiple requests and try again.`,
      );
    }
  }
  const total = counts.metrics + counts.params + counts.tags;
  if (total > MLFLOW_BATCH_LIMITS.total) {
    throw invalid(
      `A batch logging request can contain at most ${MLFLOW_BATCH_LIMITS.total} metrics, params and tags in total. ` +
        `Got ${total}. Please split up the data across multiple requests and try again.`,
    );
  }
}
