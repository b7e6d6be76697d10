import { sql } from 'kysely';
import type { ModelVersion, Signature } from '../../../domain/registry/entities.js';
import type { ManifestEntry } from '../../../domain/registry/manifest.js';
import type { KeyValue } from '../../../domain/tracking/entities.js';
import type { ModelVersionsTable } from '../../schema-registry.js';
import type { Executor } from '../../store.js';
import { fromJsonColumn } from './json-column.js';

export async function insertVersion(db: Executor, row: ModelVersionsTable): Promise<void> {
  await db.insertInto('model_versions').values(row).execute();
}

/** A version row, deleted or not; callers decide what a deleted version means for them. */
export async function findVersionRow(
  db: Executor,
  modelId: string,
  version: number,
): Promise<ModelVersionsTable | undefined> {
  return db
    .selectFrom('model_versions')
    .selectAll()
    .where('model_id', '=', modelId)
    .where('version', '=', version)
    .executeTakeFirst();
}

export async function liveVersionRows(db: Executor, modelId: string): Promise<ModelVersionsTable[]> {
  return db
    .selectFrom('model_versions')
    .selectAll()
    .where('model_id', '=', modelId)
    .where('deleted_time', 'is', null)
    .orderBy('version')
    .execute();
}

export async function updateVersionRow(
  db: Executor,
  modelId: string,
  version: number,
  changes: Partial<Omit<ModelVersionsTable, 'model_id' | 'version'>>,
): Promise<void> {
  await db
    .updateTable('model_versions')
    .set(changes)
    .where('model_id', '=', modelId)
    .where('version', '=', version)
    .execute();
}

export async function upsertVersionTags(
  db: Executor,
  modelId: string,
  version: number,
  tags: readonly KeyValue[],
): Promise<void> {
  if (tags.length === 0) return;
  await db
    .insertInto('model_version_tags')
    .values(tags.map((t) => ({ model_id: modelId, version, key: t.key, value: t.value })))
    .onConflict((oc) =>
      oc.columns(['model_id', 'version', 'key']).doUpdateSet((eb) => ({ value: eb.ref('excluded.value') })),
    )
    .execute();
}

export async function deleteVersionTag(db: Executor, modelId: string, version: number, key: string): Promise<boolean> {
  const result = await db
    .deleteFrom('model_version_tags')
    .where('model_id', '=', modelId)
    .where('version', '=', version)
    .where('key', '=', key)
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}

export async function setAlias(db: Executor, modelId: string, alias: string, version: number): Promise<void> {
  await db
    .insertInto('model_aliases')
    .values({ model_id: modelId, alias, version })
    .onConflict((oc) => oc.columns(['model_id', 'alias']).doUpdateSet({ version }))
    .execute();
}

export async function deleteAlias(db: Executor, modelId: string, alias: string): Promise<boolean> {
  const result = await db
    .deleteFrom('model_aliases')
    .where('model_id', '=', modelId)
    .where('alias', '=', alias)
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}

export async function findAlias(db: Executor, modelId: string, alias: string): Promise<number | undefined> {
  const row = await db
    .selectFrom('model_aliases')
    .select('version')
    .where('model_id', '=', modelId)
    .where('alias', '=', alias)
    .executeTakeFirst();
  return row === undefined ? undefined : Number(row.version);
}

export async function deleteAliasesOf(db: Executor, modelId: string, version: number): Promise<void> {
  await db.deleteFrom('model_aliases').where('model_id', '=', modelId).where('version', '=', version).execute();
}

export function manifestOf(row: Pick<ModelVersionsTable, 'manifest'>): ManifestEntry[] {
  return fromJsonColumn<ManifestEntry[]>(row.manifest, []);
}

/** Rows (of one or many models, given their names by id) → entities with tags and aliases. */
export async function hydrateVersions(
  db: Executor,
  rows: readonly ModelVersionsTable[],
  nameOf: (modelId: string) => string,
): Promise<ModelVersion[]> {
  if (rows.length === 0) return [];
  const ids = [...new Set(rows.map((r) => r.model_id))];
  const [tags, aliases] = await Promise.all([
    db
      .selectFrom('model_version_tags')
      .select(['model_id', 'version', 'key', 'value'])
      .where('model_id', 'in', ids)
      .orderBy('key')
      .execute(),
    db
      .selectFrom('model_aliases')
      .select(['model_id', 'version', 'alias'])
      .where('model_id', 'in', ids)
      .orderBy('alias')
      .execute(),
  ]);
  const same = (row: ModelVersionsTable) => (other: { model_id: string; version: number }) =>
    other.model_id === row.model_id && Number(other.version) === Number(row.version);
  return rows.map((row) =>
    toModelVersion(
      row,
      nameOf(row.model_id),
      tags.filter(same(row)).map(({ key, value }) => ({ key, value })),
      aliases.filter(same(row)).map((a) => a.alias),
    ),
  );
}

/** One row with its tags (sorted by key) and aliases (sorted) → the entity. */
export function toModelVersion(
  row: ModelVersionsTable,
  name: string,
  tags: KeyValue[],
  aliases: string[],
): ModelVersion {
  const manifest = manifestOf(row);
  return {
    name,
    version: Number(row.version),
    creationTime: Number(row.creation_time),
    lastUpdatedTime: Number(row.last_updated_time),
    userId: row.user_id,
    description: row.description,
    source: row.source,
    runId: row.run_id,
    status: 'READY',
    statusMessage: row.status_message,
    stage: row.stage,
    aliases,
    tags,
    manifestDigest: row.manifest_digest,
    fileCount: manifest.length,
    totalSize: manifest.reduce((sum, entry) => sum + entry.size, 0),
    sourceWithoutFiles: manifest.length === 0,
    loggedModelId: row.logged_model_id ?? null,
    signature: fromJsonColumn<Signature | null>(row.signature, null),
    releaseNotes: row.release_notes,
    deprecation: {
      deprecatedBy: row.deprecated_by === null ? null : Number(row.deprecated_by),
      sunsetTime: row.sunset_time === null ? null : Number(row.sunset_time),
    },
    metadata: fromJsonColumn<Record<string, unknown>>(row.metadata, {}),
    metadataSchema:
      row.metadata_schema_subject === null || row.metadata_schema_version === null
        ? null
        : { subject: row.metadata_schema_subject, version: Number(row.metadata_schema_version) },
  };
}

/**
 * Live model versions whose files a write or delete at `rootPath` would touch: a version stored at the path or at
 * one of its ancestors (the path lies inside the version's source) and, for deletes, one stored below it (the path
 * is a directory holding the source). `''` is the artifact root itself.
 */
export async function versionsStoredAround(
  db: Executor,
  rootPath: string,
  options: { includeBelow: boolean },
): Promise<{ name: string; version: number; storagePath: string; manifest: ModelVersionsTable['manifest'] }[]> {
  const parts = rootPath === '' ? [] : rootPath.split('/');
  const ancestors = parts.map((_, i) => parts.slice(0, i + 1).join('/'));
  const below = rootPath === '' ? '' : `${rootPath}/`;
  return db
    .selectFrom('model_versions as v')
    .innerJoin('registered_models as m', 'm.model_id', 'v.model_id')
    .select(['m.name as name', 'v.version as version', 'v.storage_path as storagePath', 'v.manifest as manifest'])
    .where('v.deleted_time', 'is', null)
    .where((eb) =>
      eb.or([
        ...(ancestors.length > 0 ? [eb('v.storage_path', 'in', ancestors)] : []),
        // A prefix test rather than a range or LIKE: byte-wise on both databases whatever their collation. Only
        // deletes ask, and they are rare enough for it to read every version.
        ...(options.includeBelow
          ? [eb(eb.fn('substr', ['v.storage_path', sql.lit(1), sql.lit(below.length)]), '=', below)]
          : []),
      ]),
    )
    .orderBy('m.name')
    .orderBy('v.version')
    .limit(5)
    .execute();
}

/** The live registered versions made from a logged model, oldest first, by model name and number. */
export async function versionsFromLoggedModel(
  db: Executor,
  loggedModelId: string,
): Promise<{ name: string; version: number }[]> {
  const rows = await db
    .selectFrom('model_versions as v')
    .innerJoin('registered_models as m', 'm.model_id', 'v.model_id')
    .select(['m.name', 'v.version'])
    .where('v.logged_model_id', '=', loggedModelId)
    .where('v.deleted_time', 'is', null)
    .orderBy('v.creation_time')
    .orderBy('m.name')
    .execute();
  return rows.map((r) => ({ name: r.name, version: Number(r.version) }));
}

/** The live versions of these models, in (model id, version) order. */
export function liveVersionRowsOf(db: Executor, modelIds: readonly string[]): Promise<ModelVersionsTable[]> {
  return db
    .selectFrom('model_versions')
    .selectAll()
    .where('model_id', 'in', [...modelIds])
    .where('deleted_time', 'is', null)
    .orderBy('model_id')
    .orderBy('version')
    .execute();
}

/** Whether a version was registered with files: its stored manifest lists at least one. */
export async function registeredWithFiles(db: Executor, modelId: string, version: number): Promise<boolean> {
  const row = await db
    .selectFrom('model_versions')
    .select('manifest')
    .where('model_id', '=', modelId)
    .where('version', '=', version)
    .executeTakeFirst();
  return row !== undefined && (JSON.parse(row.manifest) as unknown[]).length > 0;
}
