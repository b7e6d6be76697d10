import { datasetState } from '../../../domain/provenance/audit-events/lineage-states.js';
import { toDatasetVersion } from '../../../store/repositories/lineage/dataset-version-repository.js';
import type { LineageDatasetsTable, LineageDatasetVersionsTable } from '../../../store/schema-lineage.js';
import type { Executor } from '../../../store/store.js';
import type { RecordedRowKind } from './recorded-rows.js';

/** Datasets are only ever created; their events record the whole row. */
export const datasetKind: RecordedRowKind<LineageDatasetsTable> = {
  entityKind: 'dataset',
  noun: 'dataset',
  page: (db, after, limit) =>
    db
      .selectFrom('lineage_datasets')
      .selectAll()
      .where('dataset_id', '>', after?.dataset_id ?? '')
      .orderBy('dataset_id')
      .limit(limit)
      .execute(),
  entityId: (row) => row.dataset_id,
  label: (row) => `dataset '${row.namespace}/${row.name}' (${row.dataset_id})`,
  current: (row) => datasetState(row),
  present: async (db, ids) => {
    const rows = await db.selectFrom('lineage_datasets').select('dataset_id').where('dataset_id', 'in', ids).execute();
    return new Set(rows.map((r) => r.dataset_id));
  },
};

type VersionRow = LineageDatasetVersionsTable & { namespace: string | null; name: string | null };

/**
 * Dataset version events (registration, OpenLineage merges, drift) record the whole version: where it lives, its
 * digest, columns, row count, quality checks, facets and drift. The dataset's namespace and name are checked with
 * the dataset; a version whose dataset row is gone is still compared (and the dataset reported missing).
 */
export const datasetVersionKind: RecordedRowKind<VersionRow> = {
  entityKind: 'dataset_version',
  noun: 'dataset version',
  page: (db, after, limit) =>
    db
      .selectFrom('lineage_dataset_versions as v')
      .leftJoin('lineage_datasets as d', 'd.dataset_id', 'v.dataset_id')
      .selectAll('v')
      .select(['d.namespace', 'd.name'])
      .where('v.version_id', '>', after?.version_id ?? '')
      .orderBy('v.version_id')
      .limit(limit)
      .execute(),
  entityId: (row) => row.version_id,
  label: (row) => `dataset version '${row.namespace ?? '?'}/${row.name ?? '?'}@${row.version_key}' (${row.version_id})`,
  current: (row) => ({ ...toDatasetVersion({ ...row, namespace: row.namespace ?? '', name: row.name ?? '' }) }),
  checkedElsewhere: ['namespace', 'name'],
  present: (db, ids) => presentVersions(db, ids),
};

async function presentVersions(db: Executor, ids: string[]): Promise<Set<string>> {
  const rows = await db
    .selectFrom('lineage_dataset_versions')
    .select('version_id')
    .where('version_id', 'in', ids)
    .execute();
  return new Set(rows.map((r) => r.version_id));
}
