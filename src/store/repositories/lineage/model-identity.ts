import type { Executor } from '../../store.js';

/**
 * Resolves what a caller calls a model (its registry id or its name) to the registry's id and name. Lineage keys
 * model versions by id so a rename keeps their history; people think in names.
 */
export async function findModelIdentity(
  db: Executor,
  idOrName: string,
): Promise<{ modelId: string; name: string } | undefined> {
  const row = await db
    .selectFrom('registered_models')
    .select(['model_id', 'name'])
    .where((eb) => eb.or([eb('model_id', '=', idOrName), eb('name', '=', idOrName)]))
    .orderBy('model_id')
    .executeTakeFirst();
  return row ? { modelId: row.model_id, name: row.name } : undefined;
}
