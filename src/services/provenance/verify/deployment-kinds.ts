import { nodeId } from '../../../domain/lineage/node-id.js';
import { deploymentState, deploymentTargetState } from '../../../domain/provenance/audit-events/lineage-states.js';
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
  current: (row) => deploymentTargetState(row),
  // A set_environment event also records the environment version it made; target-environment-history checks it.
  checkedElsewhere: ['environmentVersion'],
};

/** Each deployment event (recording one, changing its status) records the whole deployment. */
export const deploymentKind: RecordedRowKind<LineageDeploymentsTable> = {
  entityKind: 'deployment',
  noun: 'deployment',
  ...keyedPages('lineage_deployments'),
  entityId: (row) => row.deployment_id,
  label: (row) => `deployment ${row.deployment_id} of ${row.model_version_node}`,
  current: (row) => deploymentState(row),
};
