import type { ProblemLog } from '../../../domain/provenance/verification-report.js';
import { keyedPages } from '../../../store/readers/keyed-table-pages.js';
import type { CommentsTable, MilestonesTable, OwnersTable, ReportsTable } from '../../../store/schema-collaboration.js';
import type { Executor } from '../../../store/store.js';
import { milestoneStateOf } from '../../collaboration/milestone-service.js';
import { ownerStateOf } from '../../collaboration/owner-service.js';
import { reportStateOf } from '../../collaboration/report-service.js';
import { type RecordedRowKind, verifyRecordedRows } from './recorded-rows.js';

/**
 * A comment is part of a review record (who said what about a model version before it shipped), so a body edited or
 * a comment inserted behind the server's back must show. Each write records the comment whole; a delete removes it.
 * The users it notified are the event's own (nothing in the row says who was told).
 */
export const commentKind: RecordedRowKind<CommentsTable> = {
  entityKind: 'comment',
  noun: 'comment',
  ...keyedPages('comments'),
  entityId: (row) => row.comment_id,
  label: (row) => `comment ${row.comment_id} on ${row.entity_kind} ${row.entity_id}`,
  current: (row) => ({
    entityKind: row.entity_kind,
    entityId: row.entity_id,
    authorId: row.author_id,
    body: row.body,
    creationTime: Number(row.created_time),
    lastUpdatedTime: Number(row.last_updated_time),
  }),
  checkedElsewhere: ['notified'],
  deleteAction: 'comment.delete',
};

/** A milestone's target is recorded whole when it is set; a delete removes it. */
export const milestoneKind: RecordedRowKind<MilestonesTable> = {
  entityKind: 'milestone',
  noun: 'milestone',
  ...keyedPages('milestones'),
  entityId: (row) => row.milestone_id,
  label: (row) => `milestone '${row.name}' of ${row.scope_kind} ${row.scope_id}`,
  current: milestoneStateOf,
  deleteAction: 'milestone.delete',
};

/** Who owns an experiment or a dataset is recorded whole at each change; clearing both owners removes the row. */
export const ownerKind: RecordedRowKind<OwnersTable> = {
  entityKind: 'owner',
  noun: 'owners',
  ...keyedPages('owners'),
  entityId: (row) => row.owner_key,
  label: (row) => `owners of ${row.entity_kind} ${row.entity_id}`,
  current: ownerStateOf,
  deleteAction: 'owner.clear',
};

/** A report is recorded whole (title and blocks) at each save, so a block slipped in behind the server shows. */
export const reportKind: RecordedRowKind<ReportsTable> = {
  entityKind: 'report',
  noun: 'report',
  ...keyedPages('reports'),
  entityId: (row) => row.report_id,
  label: (row) => `report '${row.title}' of experiment ${row.experiment_id}`,
  current: reportStateOf,
  deleteAction: 'report.delete',
};

/** Comments, milestones, owners and reports against their events. Returns the rows checked. */
export async function verifyCollaboration(db: Executor, problems: ProblemLog): Promise<number> {
  return (
    (await verifyRecordedRows(db, problems, commentKind)) +
    (await verifyRecordedRows(db, problems, milestoneKind)) +
    (await verifyRecordedRows(db, problems, ownerKind)) +
    (await verifyRecordedRows(db, problems, reportKind))
  );
}
