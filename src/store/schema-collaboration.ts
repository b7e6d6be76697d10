/** Table shapes of comments and milestones (migration 0042). */

export interface CommentsTable {
  comment_id: string;
  /** 'run' | 'model_version' | 'dataset' */
  entity_kind: string;
  /** A run id, `<model id>/<version>` or a lineage dataset id. */
  entity_id: string;
  author_id: string;
  /** Markdown. */
  body: string;
  created_time: number;
  last_updated_time: number;
}

export interface MilestonesTable {
  milestone_id: string;
  /** 'experiment' | 'model' */
  scope_kind: string;
  /** An experiment id or a registered model id (stable across renames). */
  scope_id: string;
  name: string;
  metric_key: string;
  /** '>=' | '<=' */
  comparator: string;
  target: number;
  due_time: number;
  created_by: string;
  created_time: number;
}

/** Who owns an experiment or a dataset (migration 0043). */
export interface OwnersTable {
  /** `<entity_kind>:<entity_id>` */
  owner_key: string;
  /** 'experiment' | 'dataset' */
  entity_kind: string;
  /** An experiment id or a lineage dataset id. */
  entity_id: string;
  owner_user_id: string | null;
  owner_team_id: string | null;
  /** The user name of whoever set the owners last. */
  updated_by: string;
  updated_time: number;
}

/** A report pinned on an experiment (migration 0045). */
export interface ReportsTable {
  report_id: string;
  experiment_id: string;
  title: string;
  /** JSON array of blocks, in order: notes, runs and charts naming runs by id. */
  blocks: string;
  created_by: string;
  created_time: number;
  last_updated_by: string;
  last_updated_time: number;
}

export interface CollaborationDatabase {
  comments: CommentsTable;
  reports: ReportsTable;
  milestones: MilestonesTable;
  owners: OwnersTable;
}
