import { sha256Hex } from '../../domain/provenance/audit-event.js';
import type { LineageOpenLineageEventsTable, LineageOpenLineageRunsTable } from '../../store/schema-lineage.js';

/**
 * What the audit event of an accepted OpenLineage event records: the stored event (its payload by digest, as it can
 * be large) and the OpenLineage run as the event left it (its merged facets by digest). `mnemo audit verify`
 * compares the stored rows with these, so both the ingest and the verifier build them here.
 */
export const openLineageEventRecord = (row: LineageOpenLineageEventsTable) => ({
  eventId: row.event_id,
  eventType: row.event_type,
  eventTime: row.event_time,
  payloadDigest: sha256Hex(row.payload),
  receivedTime: row.received_time,
});

export const openLineageRunRecord = (row: LineageOpenLineageRunsTable) => ({
  runId: row.run_id,
  ownsRun: row.owns_run === 1,
  jobNamespace: row.job_namespace,
  jobName: row.job_name,
  producer: row.producer,
  status: row.status,
  startTime: row.start_time,
  endTime: row.end_time,
  runFacetsDigest: sha256Hex(row.run_facets),
  jobFacetsDigest: sha256Hex(row.job_facets),
  updatedTime: row.updated_time,
});
