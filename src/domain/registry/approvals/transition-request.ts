/** A request to move a model version to a protected stage or alias, and everything said and decided on it. */

export const REQUEST_STATUSES = ['pending', 'approved', 'rejected', 'withdrawn', 'expired', 'overridden'] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];

export const ACTIVITY_KINDS = ['request', 'approve', 'reject', 'comment', 'withdraw', 'expire', 'break_glass'] as const;
export type ActivityKind = (typeof ACTIVITY_KINDS)[number];

export interface RequestActivity {
  id: string;
  kind: ActivityKind;
  actor: string;
  comment: string | null;
  /** For approvals: the required teams the approver belonged to. */
  teams: string[];
  time: number;
}

export interface TransitionRequest {
  id: string;
  name: string;
  version: number;
  /** Exactly one of stage and alias. */
  stage?: string;
  alias?: string;
  archiveExistingVersions: boolean;
  requester: string;
  reason: string | null;
  status: RequestStatus;
  requiredApprovals: number;
  requiredTeams: string[];
  /** Distinct approvers so far. */
  approvedBy: string[];
  creationTime: number;
  expiryTime: number;
  decisionTime: number | null;
  decidedBy: string | null;
  decisionComment: string | null;
  lastUpdatedTime: number;
  activity: RequestActivity[];
}

/** What a gate or a client learns about a target of a version: whether it needs approval, and how far along it is. */
export interface ApprovalState {
  required: boolean;
  approvals: number;
  needed: number;
  pendingRequestId?: string;
}
