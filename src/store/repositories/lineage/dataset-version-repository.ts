import type { DatasetColumn, DatasetVersion, QualityCheck } from '../../../domain/lineage/dataset-version.js';
import { nodeId } from '../../../domain/lineage/node-id.js';
import type { LineageDatasetsTable, LineageDatasetVersionsTable } from '../../schema-lineage.js';
import type { Executor } from '../../store.js';
import { parseJson } from './json-columns.js';

type VersionRow = LineageDatasetVersionsTable & Pick<LineageDatasetsTable, 'namespace' | 'name'>;

export function toDatasetVersion(row: VersionRow): DatasetVersion {
  return {
    versionId: row.version_id,
    nodeId: nodeId('dataset_version', row.version_id),
    datasetId: row.dataset_id,
    namespace: row.namespace,
    name: row.name,
    version: row.version_key,
    uri: row.uri,
    digest: row.digest,
    columns: parseJson<DatasetColumn[] | null>(row.columns, null),
    rowCount: row.row_count,
    qualityChecks: parseJson<QualityCheck[]>(row.quality_checks, []),
    facets: parseJson<Record<string, unknown>>(row.facets, {}),
    drift:
      row.drift_status && row.drift_time !== null
        ? {
            status: row.drift_status as 'missing' | 'modified',
            observedDigest: row.drift_observed_digest,
            detectedTime: row.drift_time,
          }
        : null,
    createdTime: row.created_time,
  };
}

export async function findDataset(
  db: Executor,
  namespace: string,
  name: string,
): Promise<LineageDatasetsTable | undefined> {
  return db
    .selectFrom('lineage_datasets')
    .selectAll()
    .where('namespace', '=', namespace)
    .where('name', '=', name)
    .executeTakeFirst();
}

/** The datasets among these namespace and name pairs (a name that can be read more than one way). */
export async function findDatasetsNamed(
  db: Executor,
  pairs: readonly { namespace: string; name: string }[],
): Promise<LineageDatasetsTable[]> {
  if (pairs.length === 0) return [];
  return db
    .selectFrom('lineage_datasets')
    .selectAll()
    .where((eb) => eb.or(pairs.map((p) => eb.and([eb('namespace', '=', p.namespace), eb('name', '=', p.name)]))))
    .orderBy('namespace')
    .execute();
}

/** `<namespace>:<name>` of the datasets with these ids, by id: how grants and restrictions on them are shown. */
export async function datasetNamesById(db: Executor, ids: readonly string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom('lineage_datasets')
    .select(['dataset_id', 'namespace', 'name'])
    .where('dataset_id', 'in', [...new Set(ids)])
    .execute();
  return new Map(rows.map((row) => [row.dataset_id, `${row.namespace}:${row.name}`]));
}

export async function insertDataset(db: Executor, row: LineageDatasetsTable): Promise<void> {
  await db.insertInto('lineage_datasets').values(row).execute();
}

const versions = (db: Executor) =>
  db
    .selectFrom('lineage_dataset_versions as v')
    .innerJoin('lineage_datasets as d', 'd.dataset_id', 'v.dataset_id')
    .selectAll('v')
    .select(['d.namespace', 'd.name']);

export async function findVersion(db: Executor, versionId: string): Promise<DatasetVersion | undefined> {
  const row = await versions(db).where('v.version_id', '=', versionId).executeTakeFirst();
  return row ? toDatasetVersion(row) : undefined;
}

export async function findVersionByKey(
  db: Executor,
  datasetId: string,
  versionKey: string,
): Promise<DatasetVersion | undefined> {
  const row = await versions(db)
    .where('v.dataset_id', '=', datasetId)
    .where('v.version_key', '=', versionKey)
    .executeTakeFirst();
  return row ? toDatasetVersion(row) : undefined;
}

/**
 * The newest version of a dataset: what a reader without a version facet most likely read. The recency index hands
 * it over first, and the limit stops the read there rather than fetching every version to keep one.
 */
export async function latestVersion(db: Executor, datasetId: string): Promise<DatasetVersion | undefined> {
  const row = await versions(db)
    .where('v.dataset_id', '=', datasetId)
    .orderBy('v.created_time', 'desc')
    .orderBy('v.version_id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ? toDatasetVersion(row) : undefined;
}

/** The first version registered with this content digest (ties broken by id, so the answer never wavers). */
export async function oldestVersionWithDigest(db: Executor, digest: string): Promise<DatasetVersion | undefined> {
  const row = await versions(db)
    .where('v.digest', '=', digest)
    .orderBy('v.created_time')
    .orderBy('v.version_id')
    .limit(1)
    .executeTakeFirst();
  return row ? toDatasetVersion(row) : undefined;
}

export async function listVersions(db: Executor, datasetId?: string): Promise<DatasetVersion[]> {
  let query = versions(db).orderBy('d.namespace').orderBy('d.name').orderBy('v.created_time');
  if (datasetId !== undefined) query = query.where('v.dataset_id', '=', datasetId);
  return (await query.execute()).map(toDatasetVersion);
}

export async function insertVersion(db: Executor, row: LineageDatasetVersionsTable): Promise<void> {
  await db.insertInto('lineage_dataset_versions').values(row).execute();
}

export async function updateVersion(
  db: Executor,
  versionId: string,
  changes: Partial<Omit<LineageDatasetVersionsTable, 'version_id' | 'dataset_id' | 'version_key'>>,
): Promise<void> {
  if (Object.keys(changes).length === 0) return;
  await db.updateTable('lineage_dataset_versions').set(changes).where('version_id', '=', versionId).execute();
}
