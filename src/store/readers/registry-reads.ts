import type { MetadataSchemasTable, ModelVersionsTable } from '../schema-registry.js';
import type { Executor } from '../store.js';

type SchemaKey = { subject: string; version: number };

/** Metadata schema versions after `after` (from the first when undefined) in (subject, version) order. */
export function metadataSchemasAfter(
  db: Executor,
  after: SchemaKey | undefined,
  limit: number,
): Promise<MetadataSchemasTable[]> {
  let query = db.selectFrom('metadata_schemas').selectAll();
  if (after) {
    query = query.where((eb) => eb(eb.refTuple('subject', 'version'), '>', eb.tuple(after.subject, after.version)));
  }
  return query.orderBy('subject').orderBy('version').limit(limit).execute();
}

/** Which of these schema versions are stored. */
export async function storedSchemaVersions(db: Executor, wanted: readonly SchemaKey[]): Promise<SchemaKey[]> {
  if (wanted.length === 0) return [];
  const rows = await db
    .selectFrom('metadata_schemas')
    .select(['subject', 'version'])
    .where((eb) =>
      eb(
        eb.refTuple('subject', 'version'),
        'in',
        wanted.map((w) => eb.tuple(w.subject, w.version)),
      ),
    )
    .execute();
  return rows.map((row) => ({ subject: row.subject, version: Number(row.version) }));
}

/** The highest schema version stored for a subject (0 when none is). */
export async function highestSchemaVersion(db: Executor, subject: string): Promise<number> {
  const highest = await db
    .selectFrom('metadata_schemas')
    .select((eb) => eb.fn.max('version').as('version'))
    .where('subject', '=', subject)
    .executeTakeFirst();
  return Number(highest?.version ?? 0);
}

/** Model version rows (deleted ones too) after `after` in (model id, version) order. */
export function modelVersionsAfter(
  db: Executor,
  after: { modelId: string; version: number },
  limit: number,
): Promise<ModelVersionsTable[]> {
  return db
    .selectFrom('model_versions')
    .selectAll()
    .where((eb) =>
      eb.or([
        eb('model_id', '>', after.modelId),
        eb.and([eb('model_id', '=', after.modelId), eb('version', '>', after.version)]),
      ]),
    )
    .orderBy('model_id')
    .orderBy('version')
    .limit(limit)
    .execute();
}

/** The highest version row of each of these models (deleted versions count). */
export async function highestVersionRows(db: Executor, modelIds: readonly string[]): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('model_versions')
    .select('model_id')
    .select((eb) => eb.fn.max('version').as('highest'))
    .where('model_id', 'in', [...modelIds])
    .groupBy('model_id')
    .execute();
  return new Map(rows.map((r) => [r.model_id, Number(r.highest)]));
}

/** The names of these registered models, by id. */
export async function modelNamesOf(db: Executor, modelIds: readonly string[]): Promise<Map<string, string>> {
  const rows = await db
    .selectFrom('registered_models')
    .select(['model_id', 'name'])
    .where('model_id', 'in', [...modelIds])
    .execute();
  return new Map(rows.map((r) => [r.model_id, r.name]));
}

/** A version's tags in key order. */
export function versionTagRows(
  db: Executor,
  modelId: string,
  version: number,
): Promise<{ key: string; value: string }[]> {
  return db
    .selectFrom('model_version_tags')
    .select(['key', 'value'])
    .where('model_id', '=', modelId)
    .where('version', '=', version)
    .orderBy('key')
    .execute();
}

/** A model's aliases, in alias order, with the version each points at. */
export async function aliasesOf(db: Executor, modelId: string): Promise<{ alias: string; version: number }[]> {
  const rows = await db
    .selectFrom('model_aliases')
    .select(['alias', 'version'])
    .where('model_id', '=', modelId)
    .orderBy('alias')
    .execute();
  return rows.map((r) => ({ alias: r.alias, version: Number(r.version) }));
}

/** The version rows (deleted ones too) of these models that have one of these numbers. */
export async function versionRowsNumbered(
  db: Executor,
  modelIds: readonly string[],
  numbers: readonly number[],
): Promise<{ model_id: string; version: number }[]> {
  if (numbers.length === 0) return [];
  const rows = await db
    .selectFrom('model_versions')
    .select(['model_id', 'version'])
    .where('model_id', 'in', [...modelIds])
    .where('version', 'in', [...numbers])
    .execute();
  return rows.map((r) => ({ model_id: r.model_id, version: Number(r.version) }));
}
