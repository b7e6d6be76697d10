import { SEALED_PREFIX } from '../../../domain/encryption/sealed-value.js';
import type { KeyValue } from '../../../domain/tracking/entities.js';
import type { ModelVersionsTable } from '../../schema-registry.js';
import type { Executor } from '../../store.js';

/** The value of one tag on each of the given registered models that has it. */
export async function modelTagValues(
  db: Executor,
  modelIds: readonly string[],
  key: string,
): Promise<Map<string, string>> {
  if (modelIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('registered_model_tags')
    .select(['model_id', 'value'])
    .where('model_id', 'in', [...modelIds])
    .where('key', '=', key)
    .execute();
  return new Map(rows.map((row) => [row.model_id, row.value]));
}

/** Every stored value of one tag across all registered models (for a search spanning them all). */
export async function allModelTagValues(db: Executor, key: string): Promise<string[]> {
  const rows = await db.selectFrom('registered_model_tags').select('value').where('key', '=', key).execute();
  return rows.map((row) => row.value);
}

/** Replaces stored tag values of one model in place (a re-sealed or newly sealed value under the same key). */
export async function replaceModelTagValues(db: Executor, modelId: string, values: readonly KeyValue[]): Promise<void> {
  for (const { key, value } of values) {
    await db
      .updateTable('registered_model_tags')
      .set({ value })
      .where('model_id', '=', modelId)
      .where('key', '=', key)
      .execute();
  }
}

export async function replaceVersionTagValues(
  db: Executor,
  modelId: string,
  version: number,
  values: readonly KeyValue[],
): Promise<void> {
  for (const { key, value } of values) {
    await db
      .updateTable('model_version_tags')
      .set({ value })
      .where('model_id', '=', modelId)
      .where('version', '=', version)
      .where('key', '=', key)
      .execute();
  }
}

/**
 * How many sealed values the registry holds, as their stored text: tags read a page at a time are counted by the
 * caller; metadata columns that hold a sealed field are returned whole (their sealed fields are counted there).
 */
export async function sealedRegistryTexts(db: Executor): Promise<string[]> {
  const like = `%${SEALED_PREFIX}%`;
  const [modelTags, versionTags, models, versions] = await Promise.all([
    db.selectFrom('registered_model_tags').select('value').where('value', 'like', `${SEALED_PREFIX}%`).execute(),
    db.selectFrom('model_version_tags').select('value').where('value', 'like', `${SEALED_PREFIX}%`).execute(),
    db.selectFrom('registered_models').select('metadata').where('metadata', 'like', like).execute(),
    db.selectFrom('model_versions').select('metadata').where('metadata', 'like', like).execute(),
  ]);
  return [
    ...modelTags.map((r) => r.value),
    ...versionTags.map((r) => r.value),
    ...models.map((r) => r.metadata),
    ...versions.map((r) => r.metadata),
  ];
}

/** Every version row of the given models, deleted ones included (their values are kept, so they are re-sealed too). */
export function allVersionRowsOf(db: Executor, modelIds: readonly string[]): Promise<ModelVersionsTable[]> {
  if (modelIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('model_versions')
    .selectAll()
    .where('model_id', 'in', [...modelIds])
    .orderBy('model_id')
    .orderBy('version')
    .execute();
}
