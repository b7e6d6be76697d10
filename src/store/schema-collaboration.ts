/** Table shapes of comments, milestones and owners (migration 0042). */

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

export interface ResourceOwnersTable {
  /** 'experiment' | 'model' | 'dataset' */
  resource_kind: string;
  resource_id: string;
  /** 'user' | 'team' */
  owner_kind: string;
  /** A principal id or a team id. */
  owner_id: string;
}

export interface CollaborationDatabase {
  comments: CommentsTable;
  milestones: MilestonesTable;
  resource_owners: ResourceOwnersTable;
}
