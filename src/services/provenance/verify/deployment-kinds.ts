import { deploymentState, deploymentTargetState } from '../../../domain/provenance/audit-events/lineage-states.js';
import type { LineageDeploymentsTable, LineageDeploymentTargetsTable } from '../../../store/schema-lineage.js';
import type { RecordedRowKind } from './recorded-rows.js';

/** Deployment targets are only ever created; their events record the whole target. */
export const deploymentTargetKind: RecordedRowKind<LineageDeploymentTargetsTable> = {
  entityKind: 'deployment_target',
  noun: 'deployment target',
  page: (db, after, limit) =>
    db
      .selectFrom('lineage_deployment_targets')
      .selectAll()
      .where('target_id', '>', after?.target_id ?? '')
      .orderBy('target_id')
      .limit(limit)
      .execute(),
  entityId: (row) => row.target_id,
  label: (row) => `deployment target '${row.name}' (${row.target_id})`,
  current: (row) => deploymentTargetState(row),
  present: async (db, ids) => {
    const rows = await db
      .selectFrom('lineage_deployment_targets')
      .select('target_id')
      .where('target_id', 'in', ids)
      .execute();
    return new Set(rows.map((r) => r.target_id));
  },
};

/** Each deployment event (recording one, changing its status) records the whole deployment. */
export const deploymentKind: RecordedRowKind<LineageDeploymentsTable> = {
  entityKind: 'deployment',
  noun: 'deployment',
  page: (db, after, limit) =>
    db
      .selectFrom('lineage_deployments')
      .selectAll()
      .where('deployment_id', '>', after?.deployment_id ?? '')
      .orderBy('deployment_id')
      .limit(limit)
      .execute(),
  entityId: (row) => row.deployment_id,
  label: (row) => `deployment ${row.deployment_id} of ${row.model_version_node}`,
  current: (row) => deploymentState(row),
  present: async (db, ids) => {
    const rows = await db
      .selectFrom('lineage_deployments')
      .select('deployment_id')
      .where('deployment_id', 'in', ids)
      .execute();
    return new Set(rows.map((r) => r.deployment_id));
  },
};
