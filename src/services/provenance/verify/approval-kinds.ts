import type { ProblemLog } from '../../../domain/provenance/verification-report.js';
import { keyedPages } from '../../../store/readers/keyed-table-pages.js';
import type { ProtectionRulesTable, TransitionRequestsTable } from '../../../store/schema-approvals.js';
import type { Executor } from '../../../store/store.js';
import { type RecordedRowKind, verifyRecordedRows } from './recorded-rows.js';

/**
 * A protection rule decides which moves need approval: loosening it behind the server's back (a stage dropped, fewer
 * approvals, a team swapped) must show. Each put records the whole rule; a delete removes it.
 */
export const protectionRuleKind: RecordedRowKind<ProtectionRulesTable> = {
  entityKind: 'protection_rule',
  noun: 'protection rule of model',
  ...keyedPages('protection_rules'),
  entityId: (row) => row.model_id,
  label: (row) => `protection rule of model ${row.model_id}`,
  current: (row) => ({
    stages: JSON.parse(row.stages) as unknown,
    aliases: JSON.parse(row.aliases) as unknown,
    approvals: Number(row.approvals),
    teams: JSON.parse(row.teams) as unknown,
    creationTime: Number(row.creation_time),
    lastUpdatedTime: Number(row.last_updated_time),
  }),
  // The model's name is its own row's; the rule is filed under the model's id.
  checkedElsewhere: ['name'],
  deleteAction: 'protection_rule.delete',
};

/**
 * A transition request: every event records it after the change, so a request marked approved (or its requester,
 * target or quorum changed) without the log knowing shows. Its activity rows are what the events' `activity` names.
 */
export const transitionRequestKind: RecordedRowKind<TransitionRequestsTable> = {
  entityKind: 'transition_request',
  noun: 'transition request',
  ...keyedPages('transition_requests'),
  entityId: (row) => row.request_id,
  label: (row) => `transition request ${row.request_id}`,
  current: (row) => ({
    id: row.request_id,
    version: Number(row.version),
    ...(row.target_kind === 'stage' ? { stage: row.target } : { alias: row.target }),
    archiveExistingVersions: Number(row.archive_existing) === 1,
    requester: row.requester,
    reason: row.reason,
    status: row.status,
    requiredApprovals: Number(row.required_approvals),
    requiredTeams: JSON.parse(row.required_teams) as unknown,
    creationTime: Number(row.creation_time),
    expiryTime: Number(row.expiry_time),
    decisionTime: row.decision_time === null ? null : Number(row.decision_time),
    decidedBy: row.decided_by,
    decisionComment: row.decision_comment,
    lastUpdatedTime: Number(row.last_updated_time),
  }),
  checkedElsewhere: ['name', 'approvedBy', 'activity'],
};

/** Protection rules and transition requests against their events. Returns the rows checked. */
export async function verifyApprovals(db: Executor, problems: ProblemLog): Promise<number> {
  return (
    (await verifyRecordedRows(db, problems, protectionRuleKind)) +
    (await verifyRecordedRows(db, problems, transitionRequestKind))
  );
}
