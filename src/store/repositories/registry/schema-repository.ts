import type { CompatibilityMode } from '../../../domain/registry/schema/compatibility-mode.js';
import type { JsonSchema } from '../../../domain/registry/schema/json-schema.js';
import { dialectOf } from '../../dialect/dialect-of.js';
import type { MetadataSchemasTable, MetadataSubjectsTable } from '../../schema-registry.js';
import type { Executor } from '../../store.js';

export interface StoredSchema {
  subject: string;
  version: number;
  schema: JsonSchema;
  schemaDigest: string;
  creationTime: number;
}

export interface SubjectInfo {
  subject: string;
  compatibility: CompatibilityMode;
  latestVersion: number;
  creationTime: number;
  lastUpdatedTime: number;
}

const toSchema = (row: MetadataSchemasTable): StoredSchema => ({
  subject: row.subject,
  version: Number(row.version),
  schema: JSON.parse(row.schema) as JsonSchema,
  schemaDigest: row.schema_digest,
  creationTime: Number(row.creation_time),
});

const toSubject = (row: MetadataSubjectsTable): SubjectInfo => ({
  subject: row.subject,
  compatibility: row.compatibility as CompatibilityMode,
  latestVersion: Number(row.last_version),
  creationTime: Number(row.creation_time),
  lastUpdatedTime: Number(row.last_updated_time),
});

export async function findSubject(db: Executor, subject: string): Promise<SubjectInfo | undefined> {
  const row = await db.selectFrom('metadata_subjects').selectAll().where('subject', '=', subject).executeTakeFirst();
  return row === undefined ? undefined : toSubject(row);
}

/** The subjects of these names that exist, by name: one statement for several candidates. */
export async function findSubjects(db: Executor, subjects: readonly string[]): Promise<Map<string, SubjectInfo>> {
  if (subjects.length === 0) return new Map();
  const rows = await db.selectFrom('metadata_subjects').selectAll().where('subject', 'in', subjects).execute();
  return new Map(rows.map((row) => [row.subject, toSubject(row)]));
}

/**
 * The subject row, locked for the rest of the transaction where the database locks rows (PostgreSQL; SQLite
 * serialises writers anyway) so versions are numbered one at a time.
 */
export async function lockSubject(db: Executor, subject: string): Promise<SubjectInfo | undefined> {
  const query = db.selectFrom('metadata_subjects').selectAll().where('subject', '=', subject);
  const row = await dialectOf(db).forUpdate(query).executeTakeFirst();
  return row === undefined ? undefined : toSubject(row);
}

export async function listSubjects(db: Executor): Promise<SubjectInfo[]> {
  const rows = await db.selectFrom('metadata_subjects').selectAll().orderBy('subject').execute();
  return rows.map(toSubject);
}

/** Creates the subject if it is new; concurrent creators both end up with the one row. */
export async function ensureSubject(
  db: Executor,
  subject: string,
  mode: CompatibilityMode,
  now: number,
): Promise<void> {
  await db
    .insertInto('metadata_subjects')
    .values({ subject, compatibility: mode, last_version: 0, creation_time: now, last_updated_time: now })
    .onConflict((oc) => oc.column('subject').doNothing())
    .execute();
}

export async function updateSubject(
  db: Executor,
  subject: string,
  changes: Partial<Pick<MetadataSubjectsTable, 'compatibility' | 'last_version' | 'last_updated_time'>>,
): Promise<void> {
  await db.updateTable('metadata_subjects').set(changes).where('subject', '=', subject).execute();
}

export async function insertSchema(db: Executor, row: MetadataSchemasTable): Promise<void> {
  await db.insertInto('metadata_schemas').values(row).execute();
}

export async function findSchema(db: Executor, subject: string, version: number): Promise<StoredSchema | undefined> {
  const row = await db
    .selectFrom('metadata_schemas')
    .selectAll()
    .where('subject', '=', subject)
    .where('version', '=', version)
    .executeTakeFirst();
  return row === undefined ? undefined : toSchema(row);
}

/** Every version of a subject, oldest first. */
export async function schemaHistory(db: Executor, subject: string): Promise<StoredSchema[]> {
  const rows = await db
    .selectFrom('metadata_schemas')
    .selectAll()
    .where('subject', '=', subject)
    .orderBy('version')
    .execute();
  return rows.map(toSchema);
}
