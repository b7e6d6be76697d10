import type { Store } from '../../src/store/store.js';

/**
 * An experiment and finished runs written as bare rows, the way migration tests seed a database at an earlier schema
 * version (no services, no audit events): run i is named `run-i` and started at 1,000 + i.
 */
export async function insertBareRuns(
  store: Store,
  experiment: { id: string; name: string },
  runIds: readonly string[],
): Promise<void> {
  await store.db
    .insertInto('experiments')
    .values({
      experiment_id: experiment.id,
      name: experiment.name,
      artifact_location: `mlflow-artifacts:/${experiment.id}`,
      lifecycle_stage: 'active',
      creation_time: 1,
      last_update_time: 1,
    })
    .execute();
  for (const [i, runId] of runIds.entries()) {
    await store.db
      .insertInto('runs')
      .values({
        run_id: runId,
        experiment_id: experiment.id,
        run_name: `run-${i}`,
        user_id: 'u',
        status: 'FINISHED',
        start_time: 1_000 + i,
        end_time: null,
        lifecycle_stage: 'active',
        artifact_uri: `mlflow-artifacts:/${experiment.id}/${runId}/artifacts`,
        parent_run_id: null,
        deleted_time: null,
      })
      .execute();
  }
}
