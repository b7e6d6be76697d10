import type { NodeKind } from '../domain/lineage/node-id.js';

/**
 * Table shapes of the lineage graph. JSON columns hold JSON text; times are epoch milliseconds.
 * Nodes and edges are the graph every query walks; the other tables hold the details of each kind of node.
 */
export interface LineageNodesTable {
  node_id: string;
  kind: NodeKind;
  label: string;
  /** JSON object of kind-specific attributes shown with the node (model name, run user, digest…). */
  attributes: string;
  created_time: number;
}

/** One typed edge, stored upstream (from_node) → downstream (to_node). */
export interface LineageEdgesTable {
  from_node: string;
  to_node: string;
  edge_type: string;
  /** The run that created the edge, when one did. */
  run_id: string | null;
  /** What recorded it: `openlineage:<run id>`, `request:<request id>`… */
  event_id: string | null;
  created_time: number;
  /** JSON object: column lineage and other details of the relation. */
  attributes: string;
}

export interface LineageDatasetsTable {
  dataset_id: string;
  namespace: string;
  name: string;
  description: string | null;
  created_time: number;
}

export interface LineageDatasetVersionsTable {
  version_id: string;
  dataset_id: string;
  version_key: string;
  uri: string | null;
  digest: string | null;
  /** JSON array of {name, type, description}, or null when unknown. */
  columns: string | null;
  row_count: number | null;
  /** JSON array of {name, passed, column, value}. */
  quality_checks: string;
  /** JSON object: OpenLineage facets as sent, newest value per facet name. */
  facets: string;
  drift_status: string | null;
  drift_observed_digest: string | null;
  drift_time: number | null;
  created_time: number;
}

export interface LineageFeaturesTable {
  feature_id: string;
  name: string;
  description: string | null;
  created_time: number;
}

/** A version of a feature as one feature pipeline computes it. */
export interface LineageFeatureVersionsTable {
  feature_version_id: string;
  feature_id: string;
  version: string;
  pipeline: string | null;
  transformation: string | null;
  code_ref_id: string | null;
  created_time: number;
}

export interface LineageEnvironmentsTable {
  /** `sha256:<hex>` of the environment's canonical JSON. */
  environment_id: string;
  /** The canonical JSON the id is the digest of. */
  document: string;
  created_time: number;
}

export interface LineageCodeRefsTable {
  code_ref_id: string;
  repository: string;
  commit_sha: string;
  dirty_digest: string | null;
  created_time: number;
}

export interface LineageDeploymentTargetsTable {
  target_id: string;
  name: string;
  description: string | null;
  environment_id: string | null;
  created_time: number;
}

export interface LineageDeploymentsTable {
  deployment_id: string;
  model_version_node: string;
  target_id: string;
  status: string;
  deployed_time: number;
  updated_time: number;
}

/** An OpenLineage run and the Mnemo run it became. */
export interface LineageOpenLineageRunsTable {
  ol_run_id: string;
  run_id: string;
  /** 1 when the Mnemo run was created for this OpenLineage run (its status follows the events), 0 when linked. */
  owns_run: number;
  job_namespace: string;
  job_name: string;
  producer: string;
  status: string;
  start_time: number;
  end_time: number | null;
  /** JSON objects: run and job facets as sent, newest value per facet name. */
  run_facets: string;
  job_facets: string;
  updated_time: number;
}

/** Every accepted OpenLineage event, verbatim, so nothing a producer sent is lost even if Mnemo ignores it. */
export interface LineageOpenLineageEventsTable {
  event_id: string;
  ol_run_id: string;
  event_type: string;
  event_time: number;
  producer: string;
  payload: string;
  received_time: number;
}

export interface LineageDatabase {
  lineage_nodes: LineageNodesTable;
  lineage_edges: LineageEdgesTable;
  lineage_datasets: LineageDatasetsTable;
  lineage_dataset_versions: LineageDatasetVersionsTable;
  lineage_features: LineageFeaturesTable;
  lineage_feature_versions: LineageFeatureVersionsTable;
  lineage_environments: LineageEnvironmentsTable;
  lineage_code_refs: LineageCodeRefsTable;
  lineage_deployment_targets: LineageDeploymentTargetsTable;
  lineage_deployments: LineageDeploymentsTable;
  lineage_openlineage_runs: LineageOpenLineageRunsTable;
  lineage_openlineage_events: LineageOpenLineageEventsTable;
}
