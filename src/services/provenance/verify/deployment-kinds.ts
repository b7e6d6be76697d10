import { nodeId } from '../../../domain/lineage/node-id.js';
import { keyedPages } from '../../../store/readers/keyed-table-pages.js';
import type { LineageDeploymentsTable, LineageDeploymentTargetsTable } from '../../../store/schema-lineage.js';
import type { RecordedRowKind } from './recorded-rows.js';

/** Deployment targets are only ever created; their events record the whole target. */
export const deploymentTargetKind: RecordedRowKind<LineageDeploymentTargetsTable> = {
  entityKind: 'deployment_target',
  noun: 'deployment target',
  ...keyedPages('lineage_deployment_targets'),
  entityId: (row) => row.target_id,
  label: (row) => `deployment target '${row.name}' (${row.target_id})`,
  current: (row) => ({
    targetId: row.target_id,
    nodeId: nodeId('deployment_target', row.target_id),
    name: row.name,
    description: row.description,
    environmentId: row.environment_id,
    createdTime: row.created_time,
  }),
};

/** Each deployment event (recording one, changing its status) records the whole deployment. */
export const deploymentKind: RecordedRowKind<LineageDeploymentsTable> = {
  entityKind: 'deployment',
  noun: 'deployment',
  ...keyedPages('lineage_deployments'),
  entityId: (row) => row.deployment_id,
  label: (row) => `deployment ${row.deployment_id} of ${row.model_version_node}`,
  current: (row) => ({
    deploymentId: row.deployment_id,
    nodeId: nodeId('deployment', row.deployment_id),
    modelVersionNodeId: row.model_version_node,
    targetId: row.target_id,
    status: row.status,
    deployedTime: row.deployed_time,
    updatedTime: row.updated_time,
  }),
};
