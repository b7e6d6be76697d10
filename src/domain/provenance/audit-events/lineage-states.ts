import type { EnvironmentSpec } from '../../lineage/environment.js';
import { nodeId } from '../../lineage/node-id.js';

/*
 * What the audit log records of each lineage entity, and the one function per entity kind that builds it. The service
 * that writes an entity calls it to make the event's state, and `mnemo audit verify` calls it on the stored row to
 * make the state the event should hold: the two cannot drift apart. Every state here is version 1, exactly as it was
 * recorded before these functions existed (snake_case where the writer recorded its raw row, camelCase where it
 * recorded the entity as the API returns it); changing one means adding a version, never editing this one.
 */

/** A dataset row. */
export interface DatasetRow {
  dataset_id: string;
  namespace: string;
  name: string;
  description: string | null;
  created_time: number;
}

/** Version 1 recorded the dataset's row as it was inserted. */
export type DatasetState = DatasetRow;

export const datasetState = (row: DatasetRow): DatasetState => ({
  dataset_id: row.dataset_id,
  namespace: row.namespace,
  name: row.name,
  description: row.description,
  created_time: row.created_time,
});

export interface FeatureRow {
  feature_id: string;
  name: string;
  description: string | null;
  created_time: number;
}

/** Version 1 recorded the feature's row as it was inserted. */
export type FeatureState = FeatureRow;

export const featureState = (row: FeatureRow): FeatureState => ({
  feature_id: row.feature_id,
  name: row.name,
  description: row.description,
  created_time: row.created_time,
});

export interface FeatureVersionRow {
  feature_version_id: string;
  feature_id: string;
  version: string;
  pipeline: string | null;
  transformation: string | null;
  code_ref_id: string | null;
  created_time: number;
}

/** Version 1 recorded the feature version as registered, with its feature's name and input dataset versions. */
export interface FeatureVersionState {
  featureVersionId: string;
  nodeId: string;
  featureId: string;
  name: string;
  version: string;
  pipeline: string | null;
  transformation: string | null;
  codeRefId: string | null;
  inputs: string[];
  createdTime: number;
}

/** The feature's name and the inputs are not columns of the version's row: they come from the feature and edges. */
export const featureVersionState = (
  row: FeatureVersionRow,
  from: { name: string; inputs: string[] },
): FeatureVersionState => ({
  featureVersionId: row.feature_version_id,
  nodeId: nodeId('feature_version', row.feature_version_id),
  featureId: row.feature_id,
  name: from.name,
  version: row.version,
  pipeline: row.pipeline,
  transformation: row.transformation,
  codeRefId: row.code_ref_id,
  inputs: from.inputs,
  createdTime: row.created_time,
});

/** Fields of a feature version's state that are checked with other entities (the feature, the edges). */
export const FEATURE_VERSION_STATE_FROM_ELSEWHERE = ['name', 'inputs'] as const;

export interface CodeRefRow {
  code_ref_id: string;
  repository: string;
  commit_sha: string;
  dirty_digest: string | null;
  created_time: number;
}

/** Version 1 recorded the code ref's row as it was inserted. */
export type CodeRefState = CodeRefRow;

export const codeRefState = (row: CodeRefRow): CodeRefState => ({
  code_ref_id: row.code_ref_id,
  repository: row.repository,
  commit_sha: row.commit_sha,
  dirty_digest: row.dirty_digest,
  created_time: row.created_time,
});

/** Version 1 recorded the normalised environment and (from servers that record it) when it was registered. */
export type EnvironmentState = EnvironmentSpec & { createdTime: number };

export const environmentState = (environment: EnvironmentSpec, createdTime: number): EnvironmentState => ({
  ...environment,
  createdTime,
});

export interface DeploymentTargetRow {
  target_id: string;
  name: string;
  description: string | null;
  environment_id: string | null;
  created_time: number;
}

/** Version 1 recorded the target as the API returns it. */
export interface DeploymentTargetState {
  targetId: string;
  nodeId: string;
  name: string;
  description: string | null;
  environmentId: string | null;
  createdTime: number;
}

export const deploymentTargetState = (row: DeploymentTargetRow): DeploymentTargetState => ({
  targetId: row.target_id,
  nodeId: nodeId('deployment_target', row.target_id),
  name: row.name,
  description: row.description,
  environmentId: row.environment_id,
  createdTime: row.created_time,
});

/** The version of a target's environment a `set_environment` event made (older events did not record it). */
export interface TargetEnvironmentVersionState {
  version: number;
  environmentId: string;
  /** The report format it was read as (`auto` when guessed from the file name). */
  sourceFormat: string;
  setTime: number;
}

/** What a `set_environment` event records: the target as it then was, and the environment version it made. */
export type TargetEnvironmentSetState = DeploymentTargetState & { environmentVersion?: TargetEnvironmentVersionState };

export interface DeploymentRow<Status extends string = string> {
  deployment_id: string;
  model_version_node: string;
  target_id: string;
  status: Status;
  deployed_time: number;
  updated_time: number;
}

/** Version 1 recorded the whole deployment as the API returns it, at its creation and at each status change. */
export interface DeploymentState<Status extends string = string> {
  deploymentId: string;
  nodeId: string;
  modelVersionNodeId: string;
  targetId: string;
  status: Status;
  deployedTime: number;
  updatedTime: number;
}

export const deploymentState = <Status extends string>(row: DeploymentRow<Status>): DeploymentState<Status> => ({
  deploymentId: row.deployment_id,
  nodeId: nodeId('deployment', row.deployment_id),
  modelVersionNodeId: row.model_version_node,
  targetId: row.target_id,
  status: row.status,
  deployedTime: row.deployed_time,
  updatedTime: row.updated_time,
});
