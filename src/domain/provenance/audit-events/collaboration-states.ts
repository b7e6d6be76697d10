/** What the audit log records of comments, milestones and owners: each row as it is stored after the change. */

export interface CommentState {
  entityKind: string;
  entityId: string;
  authorId: string;
  body: string;
  creationTime: number;
  lastUpdatedTime: number;
  /** User names the comment notified (mentioned and able to read what it is about). */
  notified: string[];
}

export interface MilestoneState {
  scopeKind: string;
  scopeId: string;
  name: string;
  metricKey: string;
  comparator: string;
  target: number;
  dueTime: number;
  createdBy: string;
  creationTime: number;
}

/** The owners of an experiment or a dataset after a change; clearing both removes the row (`owner.clear`). */
export interface OwnerState {
  entityKind: string;
  entityId: string;
  ownerUserId: string | null;
  ownerTeamId: string | null;
  updatedBy: string;
  updatedTime: number;
}

/** A report after a change, its blocks as stored (run ids and metric keys, never what they showed). */
export interface ReportState {
  experimentId: string;
  title: string;
  blocks: unknown[];
  createdBy: string;
  creationTime: number;
  lastUpdatedBy: string;
  lastUpdatedTime: number;
}
