import type { DatasetInput } from '../../domain/tracking/entities.js';
import type { Executor } from '../store.js';

/**
 * Records that a run consumed datasets. A dataset is identified within its experiment by name and digest, so the
 * same data logged by many runs is stored once.
 */
export async function linkRunInputs(
  db: Executor,
  experimentId: string,
  runId: string,
  inputs: DatasetInput[],
  newId: () => string,
): Promise<void> {
  for (const input of inputs) {
    await db
      .insertInto('datasets')
      .values({
        dataset_id: newId(),
        experiment_id: experimentId,
        name: input.name,
        digest: input.digest,
        source_type: input.sourceType,
        source: input.source,
        schema: input.schema,
        profile: input.profile,
      })
      .onConflict((oc) => oc.columns(['experiment_id', 'name', 'digest']).doNothing())
      .execute();
    const { dataset_id } = await db
      .selectFrom('datasets')
      .select('dataset_id')
      .where('experiment_id', '=', experimentId)
      .where('name', '=', input.name)
      .where('digest', '=', input.digest)
      .executeTakeFirstOrThrow();
    await db
      .insertInto('run_inputs')
      .values({
        run_id: runId,
        dataset_id,
        tags: JSON.stringify(input.tags),
        context: input.tags.find((t) => t.key === 'mlflow.data.context')?.value ?? null,
      })
      // Logging the same dataset again without tags (MLflow 3 clients do, next to a model input) keeps its tags.
      .onConflict((oc) =>
        input.tags.length === 0
          ? oc.columns(['run_id', 'dataset_id']).doNothing()
          : oc
              .columns(['run_id', 'dataset_id'])
              .doUpdateSet((eb) => ({ tags: eb.ref('excluded.tags'), context: eb.ref('excluded.context') })),
      )
      .execute();
  }
}
