/** Table shapes of protected transitions and their requests (migration 0024). */

import type { ActivityKind, RequestStatus } from '../domain/registry/approvals/transition-request.js';

export interface ProtectionRulesTable {
  model_id: string;
  /** JSON array of stage names. */
  stages: string;
  /** JSON array of alias names. */
  aliases: string;
  approvals: number;
  /** JSON array of team names. */
  teams: string;
  creation_time: number;
  last_updated_time: number;
}

export type TransitionRequestStatus = RequestStatus;

export interface TransitionRequestsTable {
  request_id: string;
  model_id: string;
  version: number;
  target_kind: 'stage' | 'alias';
  target: string;
  archive_existing: number;
  requester: string;
  reason: string | null;
  status: TransitionRequestStatus;
  required_approvals: number;
  /** JSON array of team names, as the rule named them when the request was made. */
  required_teams: string;
  creation_time: number;
  expiry_time: number;
  decision_time: number | null;
  decided_by: string | null;
  decision_comment: string | null;
  last_updated_time: number;
}

export type RequestActivityKind = ActivityKind;

export interface TransitionRequestActivityTable {
  activity_id: string;
  request_id: string;
  kind: RequestActivityKind;
  actor: string;
  comment: string | null;
  /** JSON array: the required teams the actor belonged to (approvals count them). */
  teams: string;
  activity_time: number;
}

export interface ApprovalsDatabase {
  protection_rules: ProtectionRulesTable;
  transition_requests: TransitionRequestsTable;
  transition_request_activity: TransitionRequestActivityTable;
}
