import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import type { Executor } from '../store.js';

/** Tables read whole a page at a time, each with the one text column that is its primary key. */
const KEY_OF = {
  experiments: 'experiment_id',
  runs: 'run_id',
  registered_models: 'model_id',
  metadata_subjects: 'subject',
  tag_vocabularies: 'tag_key',
  naming_rules: 'entity_kind',
  run_requirements: 'scope',
  policies: 'name',
  logged_models: 'model_id',
  lineage_datasets: 'dataset_id',
  lineage_dataset_versions: 'version_id',
  lineage_features: 'feature_id',
  lineage_feature_versions: 'feature_version_id',
  lineage_environments: 'environment_id',
  lineage_code_refs: 'code_ref_id',
  lineage_deployment_targets: 'target_id',
  lineage_deployments: 'deployment_id',
  lineage_openlineage_runs: 'ol_run_id',
  webhooks: 'webhook_id',
  secret_keys: 'key_id',
  protection_rules: 'model_id',
  transition_requests: 'request_id',
  model_version_revalidations: 'flag_id',
  comments: 'comment_id',
  milestones: 'milestone_id',
  owners: 'owner_key',
  search_usage_preferences: 'principal_id',
  saved_searches: 'saved_search_id',
  reports: 'report_id',
} as const satisfies { [T in keyof Database]?: keyof Database[T] & string };

export type KeyedTable = keyof typeof KEY_OF;

/**
 * The same two statements serve every keyed table; Kysely cannot check a query over a table chosen at run time,
 * so they are built on an untyped view of the database and their rows typed by the table they were read from.
 */
type AnyTables = Record<string, Record<string, string>>;
const untyped = (db: Executor) => db as unknown as Kysely<AnyTables>;

/** Up to `limit` rows whose key sorts after `afterKey` ('' for the first page), in key order. */
export async function rowsAfterKey<T extends KeyedTable>(
  db: Executor,
  table: T,
  afterKey: string,
  limit: number,
): Promise<Database[T][]> {
  const key: string = KEY_OF[table];
  const rows = await untyped(db)
    .selectFrom(table as string)
    .selectAll()
    .where(key, '>', afterKey)
    .orderBy(key)
    .limit(limit)
    .execute();
  return rows as unknown as Database[T][];
}

/** Which of these keys still have a row. */
export async function presentKeys(db: Executor, table: KeyedTable, keys: readonly string[]): Promise<Set<string>> {
  if (keys.length === 0) return new Set();
  const key: string = KEY_OF[table];
  const rows = await untyped(db)
    .selectFrom(table as string)
    .select(key)
    .where(key, 'in', [...keys])
    .execute();
  return new Set(rows.map((row) => row[key]!));
}

/** The key of a row of a keyed table. */
export function keyOf<T extends KeyedTable>(table: T, row: Database[T]): string {
  return (row as unknown as Record<string, string>)[KEY_OF[table]]!;
}

/**
 * A table's rows a page at a time in key order, each page after the last row of the previous one, and which keys
 * still have a row: the reader the audit verifier walks every keyed table with.
 */
export function keyedPages<T extends KeyedTable>(table: T) {
  return {
    page: (db: Executor, after: Database[T] | undefined, limit: number) =>
      rowsAfterKey(db, table, after === undefined ? '' : keyOf(table, after), limit),
    present: (db: Executor, keys: string[]) => presentKeys(db, table, keys),
  };
}
