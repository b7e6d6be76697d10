import { sql } from 'kysely';
import type { ModelAlias, RegisteredModel } from '../../../domain/registry/entities.js';
import type { KeyValue } from '../../../domain/tracking/entities.js';
import type { RegisteredModelsTable } from '../../schema-registry.js';
import type { Executor } from '../../store.js';
import { fromJsonColumn } from './json-column.js';

export async function insertModel(db: Executor, row: RegisteredModelsTable): Promise<void> {
  await db.insertInto('registered_models').values(row).execute();
}

export async function findModelRow(db: Executor, name: string): Promise<RegisteredModelsTable | undefined> {
  return db.selectFrom('registered_models').selectAll().where('name', '=', name).executeTakeFirst();
}

export async function updateModelRow(
  db: Executor,
  modelId: string,
  changes: Partial<Omit<RegisteredModelsTable, 'model_id' | 'last_version' | 'creation_time'>>,
): Promise<void> {
  await db.updateTable('registered_models').set(changes).where('model_id', '=', modelId).execute();
}

/**
 * Hands out the next version number. The UPDATE takes the model row's lock (PostgreSQL) or runs under SQLite's
 * single writer, so concurrent registrations are serialised here and each gets its own number.
 */
export async function nextVersionNumber(db: Executor, modelId: string): Promise<number> {
  const row = await db
    .updateTable('registered_models')
    .set((eb) => ({ last_version: eb('last_version', '+', 1) }))
    .where('model_id', '=', modelId)
    .returning('last_version')
    .executeTakeFirstOrThrow();
  return Number(row.last_version);
}

export async function deleteModelRow(db: Executor, modelId: string): Promise<void> {
  await db.deleteFrom('registered_models').where('model_id', '=', modelId).execute();
}

export async function upsertModelTags(db: Executor, modelId: string, tags: readonly KeyValue[]): Promise<void> {
  if (tags.length === 0) return;
  await db
    .insertInto('registered_model_tags')
    .values(tags.map((t) => ({ model_id: modelId, key: t.key, value: t.value })))
    .onConflict((oc) => oc.columns(['model_id', 'key']).doUpdateSet((eb) => ({ value: eb.ref('excluded.value') })))
    .execute();
}

export async function deleteModelTag(db: Executor, modelId: string, key: string): Promise<boolean> {
  const result = await db
    .deleteFrom('registered_model_tags')
    .where('model_id', '=', modelId)
    .where('key', '=', key)
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}

/** Rows → entities with their tags and aliases, in two queries for the whole page. */
export async function hydrateModels(db: Executor, rows: readonly RegisteredModelsTable[]): Promise<RegisteredModel[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.model_id);
  const [tags, aliases] = await Promise.all([
    db
      .selectFrom('registered_model_tags')
      .select(['model_id', 'key', 'value'])
      .where('model_id', 'in', ids)
      .orderBy('key')
      .execute(),
    db
      .selectFrom('model_aliases')
      .select(['model_id', 'alias', 'version'])
      .where('model_id', 'in', ids)
      .orderBy('alias')
      .execute(),
  ]);
  return rows.map((row) => ({
    name: row.name,
    description: row.description,
    ownerTeam: row.owner_team,
    purpose: row.purpose,
    algorithmFamily: row.algorithm_family,
    taskType: row.task_type,
    intendedUse: row.intended_use,
    limitations: row.limitations,
    latencyBudgetMs: row.latency_budget_ms === null ? null : Number(row.latency_budget_ms),
    regulatoryFlags: fromJsonColumn<string[]>(row.regulatory_flags, []),
    creationTime: Number(row.creation_time),
    lastUpdatedTime: Number(row.last_updated_time),
    tags: tags.filter((t) => t.model_id === row.model_id).map(({ key, value }) => ({ key, value })),
    aliases: aliases
      .filter((a) => a.model_id === row.model_id)
      .map(({ alias, version }): ModelAlias => ({ alias, version: Number(version) })),
    metadata: fromJsonColumn<Record<string, unknown>>(row.metadata, {}),
    metadataSchema:
      row.metadata_schema_subject === null || row.metadata_schema_version === null
        ? null
        : { subject: row.metadata_schema_subject, version: Number(row.metadata_schema_version) },
  }));
}

/** Names of registered models by id: grants are bound to ids and shown by name. */
export async function modelNamesById(db: Executor): Promise<Map<string, string>> {
  const rows = await db.selectFrom('registered_models').select(['model_id', 'name']).execute();
  return new Map(rows.map((row) => [row.model_id, row.name]));
}

export async function findModelNameById(db: Executor, modelId: string): Promise<string | undefined> {
  return (await db.selectFrom('registered_models').select('name').where('model_id', '=', modelId).executeTakeFirst())
    ?.name;
}

/**
 * Up to `limit` registered models in name order (only the one named `name` when given; only those after
 * `afterName` when given), each marked with whether its name sorts after `cursorName` as the database compares
 * names, so pages line up with the database's collation.
 */
export function modelRowsByName(
  db: Executor,
  options: { name?: string; afterName?: string; cursorName: string; limit: number },
): Promise<(RegisteredModelsTable & { after_cursor: number })[]> {
  let query = db
    .selectFrom('registered_models')
    .selectAll()
    .select(sql<number>`case when name > ${options.cursorName} then 1 else 0 end`.as('after_cursor'))
    .orderBy('name')
    .limit(options.limit);
  if (options.name !== undefined) query = query.where('name', '=', options.name);
  if (options.afterName !== undefined) query = query.where('name', '>', options.afterName);
  return query.execute();
}
