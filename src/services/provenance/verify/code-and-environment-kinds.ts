import { codeRefId } from '../../../domain/lineage/code-ref.js';
import type { EnvironmentSpec } from '../../../domain/lineage/environment.js';
import { nodeId } from '../../../domain/lineage/node-id.js';
import { codeRefState, environmentState } from '../../../domain/provenance/audit-events/lineage-states.js';
import { keyedPages } from '../../../store/readers/keyed-table-pages.js';
import { nodesWithEdgesFrom } from '../../../store/readers/lineage-reads.js';
import type { LineageCodeRefsTable, LineageEnvironmentsTable } from '../../../store/schema-lineage.js';
import type { Executor } from '../../../store/store.js';
import type { RecordedRowKind } from './recorded-rows.js';

/**
 * An environment's event records its normalised content (and, from servers that record it, its creation time); the
 * stored document must still say the same.
 */
export const environmentKind: RecordedRowKind<LineageEnvironmentsTable> = {
  entityKind: 'environment',
  noun: 'environment',
  ...keyedPages('lineage_environments'),
  entityId: (row) => row.environment_id,
  label: (row) => `environment ${row.environment_id}`,
  current: (row) => environmentState(JSON.parse(row.document) as EnvironmentSpec, row.created_time),
  recordedSince: ['createdTime'],
};

/** Code refs are only ever created; their events record the whole row. */
export const codeRefKind: RecordedRowKind<LineageCodeRefsTable> = {
  entityKind: 'code_ref',
  noun: 'code ref',
  ...keyedPages('lineage_code_refs'),
  entityId: (row) => row.code_ref_id,
  label: (row) => `code ref ${row.repository}@${row.commit_sha} (${row.code_ref_id})`,
  current: (row) => codeRefState(row),
  accountedFor: (db, rows) => codeRefsOfOlderOpenLineageRuns(db, rows),
};

/**
 * Older servers stored the code ref of an OpenLineage job without an event of its own, recording only the audited
 * `depends_on` edge from it. Such a row is accounted for when its id is still the digest of its content (so its
 * content cannot have been edited) and an edge leaves its node (edges are checked against their own events).
 */
async function codeRefsOfOlderOpenLineageRuns(db: Executor, rows: LineageCodeRefsTable[]): Promise<Set<string>> {
  const intact = rows.filter((row) => contentAddressed(row));
  if (intact.length === 0) return new Set();
  const nodes = await nodesWithEdgesFrom(
    db,
    intact.map((row) => nodeId('code_ref', row.code_ref_id)),
  );
  return new Set(intact.filter((row) => nodes.has(nodeId('code_ref', row.code_ref_id))).map((row) => row.code_ref_id));
}

function contentAddressed(row: LineageCodeRefsTable): boolean {
  try {
    return (
      codeRefId({ repository: row.repository, commit: row.commit_sha, dirtyDigest: row.dirty_digest }) ===
      row.code_ref_id
    );
  } catch {
    return false;
  }
}
