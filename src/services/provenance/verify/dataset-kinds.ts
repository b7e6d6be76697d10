import { datasetState } from '../../../domain/provenance/audit-events/lineage-states.js';
import { keyedPages, presentKeys } from '../../../store/readers/keyed-table-pages.js';
import { datasetVersionsAfter } from '../../../store/readers/lineage-reads.js';
import { toDatasetVersion } from '../../../store/repositories/lineage/dataset-version-repository.js';
import type { LineageDatasetsTable, LineageDatasetVersionsTable } from '../../../store/schema-lineage.js';
import type { RecordedRowKind } from './recorded-rows.js';

/** Datasets are only ever created; their events record the whole row. */
export const datasetKind: RecordedRowKind<LineageDatasetsTable> = {
  entityKind: 'dataset',
  noun: 'dataset',
  ...keyedPages('lineage_datasets'),
  entityId: (row) => row.dataset_id,
  label: (row) => `dataset '${row.namespace}/${row.name}' (${row.dataset_id})`,
  current: (row) => datasetState(row),
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
  page: (db, after, limit) => datasetVersionsAfter(db, after?.version_id ?? '', limit),
  entityId: (row) => row.version_id,
  label: (row) => `dataset version '${row.namespace ?? '?'}/${row.name ?? '?'}@${row.version_key}' (${row.version_id})`,
  current: (row) => ({ ...toDatasetVersion({ ...row, namespace: row.namespace ?? '', name: row.name ?? '' }) }),
  checkedElsewhere: ['namespace', 'name'],
  present: (db, ids) => presentKeys(db, 'lineage_dataset_versions', ids),
};
