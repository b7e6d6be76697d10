import type { Stage } from '../domain/registry/stages.js';

/**
 * Table shapes of the model registry. JSON columns hold canonical JSON text; times are epoch milliseconds.
 */
export interface RegisteredModelsTable {
  model_id: string;
  name: string;
  description: string | null;
  owner_team: string | null;
  purpose: string | null;
  algorithm_family: string | null;
  task_type: string | null;
  intended_use: string | null;
  limitations: string | null;
  latency_budget_ms: number | null;
  /** JSON array of strings. */
  regulatory_flags: string;
  /** JSON object: custom metadata fields beyond the model card. */
  metadata: string;
  metadata_schema_subject: string | null;
  metadata_schema_version: number | null;
  /** The highest version number ever handed out; bumped under a row lock so numbers are never reused. */
  last_version: number;
  creation_time: number;
  last_updated_time: number;
}

export interface RegisteredModelTagsTable {
  model_id: string;
  key: string;
  value: string;
}

export interface ModelVersionsTable {
  model_id: string;
  version: number;
  user_id: string;
  description: string | null;
  source: string;
  /** The source's location relative to the artifact root, where the manifest was read. */
  storage_path: string;
  run_id: string | null;
  status: string;
  status_message: string | null;
  stage: Stage;
  /** JSON array of {path, size, sha256}, sorted by path. */
  manifest: string;
  manifest_digest: string;
  /** JSON object {inputs, outputs} or null. */
  signature: string | null;
  release_notes: string | null;
  deprecated_by: number | null;
  sunset_time: number | null;
  metadata: string;
  metadata_schema_subject: string | null;
  metadata_schema_version: number | null;
  creation_time: number;
  last_updated_time: number;
  /** Set when the version is deleted: the row stays so its number is never handed out again. */
  deleted_time: number | null;
  /** The MLflow 3 LoggedModel the version was registered from, when it was. */
  logged_model_id: string | null;
}

export interface ModelVersionTagsTable {
  model_id: string;
  version: number;
  key: string;
  value: string;
}

export interface ModelAliasesTable {
  model_id: string;
  alias: string;
  version: number;
}

export interface ModelVersionTransitionsTable {
  transition_id: string;
  model_id: string;
  version: number;
  from_stage: string | null;
  to_stage: string;
  actor: string;
  reason: string | null;
  transition_time: number;
  /** The transition request this change completed, when the stage is protected. */
  request_id?: string | null;
  /** JSON array of the approvers of that request. */
  approved_by?: string | null;
}

export interface ModelVersionEvaluationsTable {
  evaluation_id: string;
  model_id: string;
  version: number;
  metric: string;
  value: number;
  slice: string;
  dataset_version: string | null;
  recorded_time: number;
}

/** A model version's revalidation flag (see domain/registry/revalidation.ts); open while `cleared_time` is null. */
export interface ModelVersionRevalidationsTable {
  flag_id: string;
  model_id: string;
  version: number;
  cause_kind: string;
  upstream_node: string;
  upstream_label: string;
  replaced_node: string;
  description: string;
  /** JSON array of path steps, replaced node first. */
  path: string;
  raised_time: number;
  cleared_time: number | null;
  cleared_by: string | null;
  cleared_actor: string | null;
  cleared_reason: string | null;
}

export interface ModelVersionChecksTable {
  check_id: string;
  model_id: string;
  version: number;
  /** 'fairness' or 'drift'. */
  kind: string;
  name: string;
  passed: number;
  value: number | null;
  threshold: number | null;
  slice: string | null;
  dataset_version: string | null;
  /** JSON object with whatever else the checker reported. */
  details: string;
  recorded_time: number;
}

export interface MetadataSubjectsTable {
  subject: string;
  compatibility: string;
  last_version: number;
  creation_time: number;
  last_updated_time: number;
}

export interface MetadataSchemasTable {
  subject: string;
  version: number;
  /** The JSON Schema as canonical JSON text. */
  schema: string;
  schema_digest: string;
  creation_time: number;
}

export interface TagVocabulariesTable {
  tag_key: string;
  description: string | null;
  /** JSON array of {value, description}. */
  allowed_values: string;
  creation_time: number;
  last_updated_time: number;
}

export interface NamingRulesTable {
  entity_kind: string;
  pattern: string;
  description: string | null;
  creation_time: number;
  last_updated_time: number;
}

/** A promotion policy's current version; `rules` is JSON (name, expression, description per rule). */
export interface PoliciesTable {
  name: string;
  version: number;
  description: string | null;
  model_id: string | null;
  target_stage: string | null;
  target_alias: string | null;
  rules: string;
  creation_time: number;
  last_updated_time: number;
}

export interface RegistryDatabase {
  registered_models: RegisteredModelsTable;
  registered_model_tags: RegisteredModelTagsTable;
  model_versions: ModelVersionsTable;
  model_version_tags: ModelVersionTagsTable;
  model_aliases: ModelAliasesTable;
  model_version_transitions: ModelVersionTransitionsTable;
  model_version_evaluations: ModelVersionEvaluationsTable;
  model_version_checks: ModelVersionChecksTable;
  model_version_revalidations: ModelVersionRevalidationsTable;
  metadata_subjects: MetadataSubjectsTable;
  metadata_schemas: MetadataSchemasTable;
  tag_vocabularies: TagVocabulariesTable;
  naming_rules: NamingRulesTable;
  policies: PoliciesTable;
}
