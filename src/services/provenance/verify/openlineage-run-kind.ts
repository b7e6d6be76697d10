import { keyedPages } from '../../../store/readers/keyed-table-pages.js';
import type { LineageOpenLineageRunsTable } from '../../../store/schema-lineage.js';
import { openLineageRunRecord } from '../../lineage/openlineage-records.js';
import { openLineageEventProblems } from './openlineage-event-check.js';
import type { RecordedRowKind } from './recorded-rows.js';
import { isObject } from './recorded-state.js';

/**
 * An OpenLineage run is recorded by the audit event of each OpenLineage event it received. Those events record the
 * run as they left it (older servers recorded only the Mnemo run it maps to), and each stored event by id, type,
 * time and payload digest; the run's stored events must be exactly those.
 */
export const openLineageRunKind: RecordedRowKind<LineageOpenLineageRunsTable> = {
  entityKind: 'openlineage_run',
  noun: 'OpenLineage run',
  ...keyedPages('lineage_openlineage_runs'),
  entityId: (row) => row.ol_run_id,
  label: (row) => `OpenLineage run ${row.ol_run_id} (job ${row.job_namespace}/${row.job_name})`,
  current: (row) => openLineageRunRecord(row),
  recorded: (state) => (isObject(state.run) ? state.run : { runId: state.runId }),
  recordedSince: [
    'ownsRun',
    'jobNamespace',
    'jobName',
    'producer',
    'status',
    'startTime',
    'endTime',
    'runFacetsDigest',
    'jobFacetsDigest',
    'updatedTime',
  ],
  checkPage: async (db, page, problems) => {
    for (const { row, latest } of page) {
      if (latest) await openLineageEventProblems(db, row.ol_run_id, problems);
    }
  },
};
