import type { ActivityKind, TransitionRequest } from '../../../domain/registry/approvals/transition-request.js';
import { fromJsonColumn } from '../../../store/repositories/registry/json-column.js';
import type { TransitionRequestActivityTable, TransitionRequestsTable } from '../../../store/schema-approvals.js';

/** A request row with its activity, as every surface shows it. */
export function presentRequest(
  row: TransitionRequestsTable,
  modelName: string,
  activity: readonly TransitionRequestActivityTable[],
): TransitionRequest {
  const own = activity.filter((a) => a.request_id === row.request_id);
  const approvedBy = [...new Set(own.filter((a) => a.kind === 'approve').map((a) => a.actor))];
  return {
    id: row.request_id,
    name: modelName,
    version: Number(row.version),
    ...(row.target_kind === 'stage' ? { stage: row.target } : { alias: row.target }),
    archiveExistingVersions: Number(row.archive_existing) === 1,
    requester: row.requester,
    reason: row.reason,
    status: row.status,
    requiredApprovals: Number(row.required_approvals),
    requiredTeams: fromJsonColumn<string[]>(row.required_teams, []),
    approvedBy,
    creationTime: Number(row.creation_time),
    expiryTime: Number(row.expiry_time),
    decisionTime: row.decision_time === null ? null : Number(row.decision_time),
    decidedBy: row.decided_by,
    decisionComment: row.decision_comment,
    lastUpdatedTime: Number(row.last_updated_time),
    activity: own.map((a) => ({
      id: a.activity_id,
      kind: a.kind as ActivityKind,
      actor: a.actor,
      comment: a.comment,
      teams: fromJsonColumn<string[]>(a.teams, []),
      time: Number(a.activity_time),
    })),
  };
}
