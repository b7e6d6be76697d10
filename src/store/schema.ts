import type { LifecycleStage, RunStatus } from '../domain/tracking/entities.js';
import type { AccessDatabase } from './schema-access.js';
import type { ApprovalsDatabase } from './schema-approvals.js';
import type { CollaborationDatabase } from './schema-collaboration.js';
import type { DependenciesDatabase } from './schema-dependencies.js';
import type { IdempotencyKeysTable } from './schema-idempotency.js';
import type { LineageDatabase } from './schema-lineage.js';
import type { LoggedModelDatabase } from './schema-logged-models.js';
import type { NotificationDatabase } from './schema-notifications.js';
import type { ProvenanceDatabase } from './schema-provenance.js';
import type { RegistryDatabase } from './schema-registry.js';
import type { SearchDatabase } from './schema-search.js';
import type { WebhookDatabase } from './schema-webhooks.js';

/**
 * Table shapes as Kysely sees them. Times are epoch milliseconds in BIGINT columns; booleans are 0/1 integers so the
 * same values round-trip on SQLite and PostgreSQL.
 */
export interface ExperimentsTable {
  experiment_id: string;
  name: string;
  artifact_location: string;
  lifecycle_stage: LifecycleStage;
  creation_time: number;
  last_update_time: number;
}

export interface ExperimentTagsTable {
  experiment_id: string;
  key: string;
  value: string;
}

export interface RunsTable {
  run_id: string;
  experiment_id: string;
  run_name: string;
  user_id: string;
  status: RunStatus;
  start_time: number;
  end_time: number | null;
  lifecycle_stage: LifecycleStage;
  artifact_uri: string;
  parent_run_id: string | null;
  deleted_time: number | null;
}

export interface RunParamsTable {
  run_id: string;
  key: string;
  value: string;
}

export interface RunTagsTable {
  run_id: string;
  key: string;
  value: string;
}

/**
 * Points stored a row each, as before chunks (metric_chunks): openStore converts them, so the table is normally
 * empty; the audit verifier still reads it. NaN is stored as value 0 with is_nan 1 (SQLite's REAL has no NaN).
 */
export interface MetricsTable {
  run_id: string;
  key: string;
  step: number;
  timestamp: number;
  value: number;
  is_nan: number;
  /** The logged batch that stored the point (its audit event records the same id); null for points from before. */
  batch: number | null;
}

/**
 * Up to CHUNK_POINTS points of one run and key that one batch stored, as packed columns (see
 * domain/metrics/metric-chunks.ts). `batch` is 0 for points logged before batches were numbered.
 */
export interface MetricChunksTable {
  run_id: string;
  key: string;
  first_step: number;
  batch: number;
  part: number;
  last_step: number;
  count: number;
  encoding: number;
  steps: Uint8Array;
  timestamps: Uint8Array;
  vals: Uint8Array;
}

/**
 * A summary of one metric's points in one block of steps at one level (see domain/metrics/metric-blocks.ts): the
 * count and the lowest, highest and first NaN point. Kept in the transaction that inserts the points.
 */
export interface MetricBlocksTable {
  run_id: string;
  key: string;
  shift: number;
  block: number;
  count: number;
  min_step: number | null;
  min_timestamp: number | null;
  min_value: number | null;
  max_step: number | null;
  max_timestamp: number | null;
  max_value: number | null;
  nan_step: number | null;
  nan_timestamp: number | null;
}

/** The newest point per (run, key): what run search filters and sorts on, kept current on every ingest. */
export interface LatestMetricsTable {
  run_id: string;
  key: string;
  step: number;
  timestamp: number;
  value: number;
  is_nan: number;
}

export interface DatasetsTable {
  dataset_id: string;
  experiment_id: string;
  name: string;
  digest: string;
  source_type: string;
  source: string;
  schema: string | null;
  profile: string | null;
}

export interface RunInputsTable {
  run_id: string;
  dataset_id: string;
  /** JSON array of {key, value}: MLflow's input tags such as mlflow.data.context. */
  tags: string;
  /** The mlflow.data.context input tag (training, evaluation, …), pulled out so search can filter on it. */
  context: string | null;
}

/** What a scope (`server`, `team:<id>`, `experiment:<id>`) requires of finished runs: JSON RunRequirements. */
export interface RunRequirementsTable {
  scope: string;
  requirements: string;
  creation_time: number;
  last_updated_time: number;
}

/** What a finished run was found to lack (JSON array of MissingItem); no row: never evaluated. */
export interface RunCompletenessTable {
  run_id: string;
  complete: number;
  missing: string;
  evaluated_time: number;
}

export interface ArtifactsTable {
  run_id: string;
  path: string;
  size: number;
  sha256: string;
  created_time: number;
}

export interface AuditEventsTable {
  seq: number;
  event_time: number;
  actor: string;
  action: string;
  entity_kind: string;
  entity_id: string;
  state_digest: string;
  request_id: string;
  prev_hash: string;
  hash: string;
}

export interface AuditHeadTable {
  id: number;
  last_seq: number;
  last_hash: string;
}

export interface Database {
  audit_events: AuditEventsTable;
  audit_head: AuditHeadTable;
  audit_states: ProvenanceDatabase['audit_states'];
  audit_merkle_nodes: ProvenanceDatabase['audit_merkle_nodes'];
  signing_keys: ProvenanceDatabase['signing_keys'];
  audit_checkpoints: ProvenanceDatabase['audit_checkpoints'];
  attestations: ProvenanceDatabase['attestations'];
  audit_settings: ProvenanceDatabase['audit_settings'];
  experiments: ExperimentsTable;
  experiment_tags: ExperimentTagsTable;
  runs: RunsTable;
  run_params: RunParamsTable;
  run_tags: RunTagsTable;
  metrics: MetricsTable;
  metric_chunks: MetricChunksTable;
  latest_metrics: LatestMetricsTable;
  metric_blocks: MetricBlocksTable;
  datasets: DatasetsTable;
  run_inputs: RunInputsTable;
  run_requirements: RunRequirementsTable;
  run_completeness: RunCompletenessTable;
  artifacts: ArtifactsTable;
  registered_models: RegistryDatabase['registered_models'];
  registered_model_tags: RegistryDatabase['registered_model_tags'];
  model_versions: RegistryDatabase['model_versions'];
  model_version_tags: RegistryDatabase['model_version_tags'];
  model_aliases: RegistryDatabase['model_aliases'];
  model_version_transitions: RegistryDatabase['model_version_transitions'];
  model_version_evaluations: RegistryDatabase['model_version_evaluations'];
  model_version_checks: RegistryDatabase['model_version_checks'];
  model_version_revalidations: RegistryDatabase['model_version_revalidations'];
  metadata_subjects: RegistryDatabase['metadata_subjects'];
  metadata_schemas: RegistryDatabase['metadata_schemas'];
  tag_vocabularies: RegistryDatabase['tag_vocabularies'];
  naming_rules: RegistryDatabase['naming_rules'];
  policies: RegistryDatabase['policies'];
  model_version_dependencies: DependenciesDatabase['model_version_dependencies'];
  model_version_requirements: DependenciesDatabase['model_version_requirements'];
  target_environment_versions: DependenciesDatabase['target_environment_versions'];
  lineage_nodes: LineageDatabase['lineage_nodes'];
  lineage_edges: LineageDatabase['lineage_edges'];
  lineage_datasets: LineageDatabase['lineage_datasets'];
  lineage_dataset_versions: LineageDatabase['lineage_dataset_versions'];
  lineage_features: LineageDatabase['lineage_features'];
  lineage_feature_versions: LineageDatabase['lineage_feature_versions'];
  lineage_environments: LineageDatabase['lineage_environments'];
  lineage_code_refs: LineageDatabase['lineage_code_refs'];
  lineage_deployment_targets: LineageDatabase['lineage_deployment_targets'];
  lineage_deployments: LineageDatabase['lineage_deployments'];
  lineage_openlineage_runs: LineageDatabase['lineage_openlineage_runs'];
  lineage_openlineage_events: LineageDatabase['lineage_openlineage_events'];
  logged_models: LoggedModelDatabase['logged_models'];
  logged_model_tags: LoggedModelDatabase['logged_model_tags'];
  logged_model_params: LoggedModelDatabase['logged_model_params'];
  logged_model_metrics: LoggedModelDatabase['logged_model_metrics'];
  logged_model_files: LoggedModelDatabase['logged_model_files'];
  run_model_links: LoggedModelDatabase['run_model_links'];
  webhooks: WebhookDatabase['webhooks'];
  secret_keys: WebhookDatabase['secret_keys'];
  webhook_outbox: WebhookDatabase['webhook_outbox'];
  webhook_deliveries: WebhookDatabase['webhook_deliveries'];
  webhook_delivery_attempts: WebhookDatabase['webhook_delivery_attempts'];
  notifications: NotificationDatabase['notifications'];
  email_outbox: NotificationDatabase['email_outbox'];
  principals: AccessDatabase['principals'];
  teams: AccessDatabase['teams'];
  team_members: AccessDatabase['team_members'];
  api_tokens: AccessDatabase['api_tokens'];
  sessions: AccessDatabase['sessions'];
  role_bindings: AccessDatabase['role_bindings'];
  restricted_resources: AccessDatabase['restricted_resources'];
  access_log: AccessDatabase['access_log'];
  access_generation: AccessDatabase['access_generation'];
  protection_rules: ApprovalsDatabase['protection_rules'];
  transition_requests: ApprovalsDatabase['transition_requests'];
  transition_request_activity: ApprovalsDatabase['transition_request_activity'];
  search_documents: SearchDatabase['search_documents'];
  search_facets: SearchDatabase['search_facets'];
  search_terms: SearchDatabase['search_terms'];
  search_metrics: SearchDatabase['search_metrics'];
  search_opens: SearchDatabase['search_opens'];
  search_usage_preferences: SearchDatabase['search_usage_preferences'];
  saved_searches: SearchDatabase['saved_searches'];
  saved_search_subscriptions: SearchDatabase['saved_search_subscriptions'];
  idempotency_keys: IdempotencyKeysTable;
  comments: CollaborationDatabase['comments'];
  milestones: CollaborationDatabase['milestones'];
  owners: CollaborationDatabase['owners'];
  reports: CollaborationDatabase['reports'];
}
