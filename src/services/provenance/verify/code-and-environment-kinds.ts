import { codeRefId } from '../../../domain/lineage/code-ref.js';
import type { EnvironmentSpec } from '../../../domain/lineage/environment.js';
import { nodeId } from '../../../domain/lineage/node-id.js';
import { codeRefState, environmentState } from '../../../domain/provenance/audit-events/lineage-states.js';
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
  page: (db, after, limit) =>
    db
      .selectFrom('lineage_environments')
      .selectAll()
      .where('environment_id', '>', after?.environment_id ?? '')
      .orderBy('environment_id')
      .limit(limit)
      .execute(),
  entityId: (row) => row.environment_id,
  label: (row) => `environment ${row.environment_id}`,
  current: (row) => environmentState(JSON.parse(row.document) as EnvironmentSpec, row.created_time),
  recordedSince: ['createdTime'],
  present: async (db, ids) => {
    const rows = await db
      .selectFrom('lineage_environments')
      .select('environment_id')
      .where('environment_id', 'in', ids)
      .execute();
    return new Set(rows.map((r) => r.environment_id));
  },
};

/** Code refs are only ever created; their events record the whole row. */
export const codeRefKind: RecordedRowKind<LineageCodeRefsTable> = {
  entityKind: 'code_ref',
  noun: 'code ref',
  page: (db, after, limit) =>
    db
      .selectFrom('lineage_code_refs')
      .selectAll()
      .where('code_ref_id', '>', after?.code_ref_id ?? '')
      .orderBy('code_ref_id')
      .limit(limit)
      .execute(),
  entityId: (row) => row.code_ref_id,
  label: (row) => `code ref ${row.repository}@${row.commit_sha} (${row.code_ref_id})`,
  current: (row) => codeRefState(row),
  present: async (db, ids) => {
    const rows = await db
      .selectFrom('lineage_code_refs')
      .select('code_ref_id')
      .where('code_ref_id', 'in', ids)
      .execute();
    return new Set(rows.map((r) => r.code_ref_id));
  },
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
  const linked = await db
    .selectFrom('lineage_edges')
    .select('from_node')
    .distinct()
    .where(
      'from_node',
      'in',
      intact.map((row) => nodeId('code_ref', row.code_ref_id)),
    )
    .execute();
  const nodes = new Set(linked.map((r) => r.from_node));
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
