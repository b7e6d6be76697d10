import type { Kysely } from 'kysely';

/**
 * The lineage graph: nodes and typed edges (indexed both ways so upstream and downstream walks are index lookups),
 * the details of datasets, features, environments, code refs, deployment targets and deployments, and the
 * OpenLineage runs and events that fed it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('lineage_nodes')
    .addColumn('node_id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('label', 'text', (c) => c.notNull())
    .addColumn('attributes', 'text', (c) => c.notNull())
    .addColumn('created_time', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('lineage_nodes_kind').on('lineage_nodes').columns(['kind', 'node_id']).execute();

  // The primary key makes recording the same relation twice a no-op and serves downstream walks (from → to).
  await db.schema
    .createTable('lineage_edges')
    .addColumn('from_node', 'text', (c) => c.notNull())
    .addColumn('to_node', 'text', (c) => c.notNull())
    .addColumn('edge_type', 'text', (c) => c.notNull())
    .addColumn('run_id', 'text')
    .addColumn('event_id', 'text')
    .addColumn('created_time', 'bigint', (c) => c.notNull())
    .addColumn('attributes', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('lineage_edges_pk', ['from_node', 'edge_type', 'to_node'])
    .execute();
  await db.schema
    .createIndex('lineage_edges_upstream')
    .on('lineage_edges')
    .columns(['to_node', 'edge_type', 'from_node'])
    .execute();

  await db.schema
    .createTable('lineage_datasets')
    .addColumn('dataset_id', 'text', (c) => c.primaryKey())
    .addColumn('namespace', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('created_time', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('lineage_datasets_identity', ['namespace', 'name'])
    .execute();

  await db.schema
    .createTable('lineage_dataset_versions')
    .addColumn('version_id', 'text', (c) => c.primaryKey())
    .addColumn('dataset_id', 'text', (c) => c.notNull().references('lineage_datasets.dataset_id'))
    .addColumn('version_key', 'text', (c) => c.notNull())
    .addColumn('uri', 'text')
    .addColumn('digest', 'text')
    .addColumn('columns', 'text')
    .addColumn('row_count', 'bigint')
    .addColumn('quality_checks', 'text', (c) => c.notNull())
    .addColumn('facets', 'text', (c) => c.notNull())
    .addColumn('drift_status', 'text')
    .addColumn('drift_observed_digest', 'text')
    .addColumn('drift_time', 'bigint')
    .addColumn('created_time', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('lineage_dataset_versions_identity', ['dataset_id', 'version_key'])
    .execute();
  await db.schema
    .createIndex('lineage_dataset_versions_digest')
    .on('lineage_dataset_versions')
    .column('digest')
    .execute();

  await db.schema
    .createTable('lineage_features')
    .addColumn('feature_id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('description', 'text')
    .addColumn('created_time', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('lineage_feature_versions')
    .addColumn('feature_version_id', 'text', (c) => c.primaryKey())
    .addColumn('feature_id', 'text', (c) => c.notNull().references('lineage_features.feature_id'))
    .addColumn('version', 'text', (c) => c.notNull())
    .addColumn('pipeline', 'text')
    .addColumn('transformation', 'text')
    .addColumn('code_ref_id', 'text')
    .addColumn('created_time', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('lineage_feature_versions_identity', ['feature_id', 'version'])
    .execute();

  await db.schema
    .createTable('lineage_environments')
    .addColumn('environment_id', 'text', (c) => c.primaryKey())
    .addColumn('document', 'text', (c) => c.notNull())
    .addColumn('created_time', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('lineage_code_refs')
    .addColumn('code_ref_id', 'text', (c) => c.primaryKey())
    .addColumn('repository', 'text', (c) => c.notNull())
    .addColumn('commit_sha', 'text', (c) => c.notNull())
    .addColumn('dirty_digest', 'text')
    .addColumn('created_time', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('lineage_deployment_targets')
    .addColumn('target_id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('description', 'text')
    .addColumn('environment_id', 'text')
    .addColumn('created_time', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('lineage_deployments')
    .addColumn('deployment_id', 'text', (c) => c.primaryKey())
    .addColumn('model_version_node', 'text', (c) => c.notNull())
    .addColumn('target_id', 'text', (c) => c.notNull().references('lineage_deployment_targets.target_id'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('deployed_time', 'bigint', (c) => c.notNull())
    .addColumn('updated_time', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('lineage_openlineage_runs')
    .addColumn('ol_run_id', 'text', (c) => c.primaryKey())
    .addColumn('run_id', 'text', (c) => c.notNull())
    .addColumn('owns_run', 'integer', (c) => c.notNull())
    .addColumn('job_namespace', 'text', (c) => c.notNull())
    .addColumn('job_name', 'text', (c) => c.notNull())
    .addColumn('producer', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('start_time', 'bigint', (c) => c.notNull())
    .addColumn('end_time', 'bigint')
    .addColumn('run_facets', 'text', (c) => c.notNull())
    .addColumn('job_facets', 'text', (c) => c.notNull())
    .addColumn('updated_time', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('lineage_openlineage_events')
    .addColumn('event_id', 'text', (c) => c.primaryKey())
    .addColumn('ol_run_id', 'text', (c) => c.notNull())
    .addColumn('event_type', 'text', (c) => c.notNull())
    .addColumn('event_time', 'bigint', (c) => c.notNull())
    .addColumn('producer', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('received_time', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('lineage_openlineage_events_run')
    .on('lineage_openlineage_events')
    .columns(['ol_run_id', 'event_time'])
    .execute();
}
