import { nodeId } from '../../../domain/lineage/node-id.js';
import {
  FEATURE_VERSION_STATE_FROM_ELSEWHERE,
  featureState,
  featureVersionState,
} from '../../../domain/provenance/audit-events/lineage-states.js';
import type { LineageFeaturesTable, LineageFeatureVersionsTable } from '../../../store/schema-lineage.js';
import type { RecordedRowKind } from './recorded-rows.js';

/** Features are only ever created; their events record the whole row. */
export const featureKind: RecordedRowKind<LineageFeaturesTable> = {
  entityKind: 'feature',
  noun: 'feature',
  page: (db, after, limit) =>
    db
      .selectFrom('lineage_features')
      .selectAll()
      .where('feature_id', '>', after?.feature_id ?? '')
      .orderBy('feature_id')
      .limit(limit)
      .execute(),
  entityId: (row) => row.feature_id,
  label: (row) => `feature '${row.name}' (${row.feature_id})`,
  current: (row) => featureState(row),
  present: async (db, ids) => {
    const rows = await db.selectFrom('lineage_features').select('feature_id').where('feature_id', 'in', ids).execute();
    return new Set(rows.map((r) => r.feature_id));
  },
};

type FeatureVersionRow = LineageFeatureVersionsTable & { feature_name: string | null };

const FEATURE_VERSION_NODE = 'feature_version:';

/**
 * A feature version's event (under its node id) records the version as registered. Its feature's name is checked
 * with the feature and its inputs are `derived_from` edges, checked with the edges.
 */
export const featureVersionKind: RecordedRowKind<FeatureVersionRow> = {
  entityKind: 'feature_version',
  noun: 'feature version',
  page: (db, after, limit) =>
    db
      .selectFrom('lineage_feature_versions as v')
      .leftJoin('lineage_features as f', 'f.feature_id', 'v.feature_id')
      .selectAll('v')
      .select('f.name as feature_name')
      .where('v.feature_version_id', '>', after?.feature_version_id ?? '')
      .orderBy('v.feature_version_id')
      .limit(limit)
      .execute(),
  entityId: (row) => nodeId('feature_version', row.feature_version_id),
  label: (row) => `feature version '${row.feature_name ?? '?'}@${row.version}' (${row.feature_version_id})`,
  // The name and inputs are left empty here: they are compared with the feature and the edges, not this row.
  current: (row) => featureVersionState(row, { name: '', inputs: [] }),
  checkedElsewhere: FEATURE_VERSION_STATE_FROM_ELSEWHERE,
  present: async (db, ids) => {
    const versionIds = ids.filter((id) => id.startsWith(FEATURE_VERSION_NODE)).map(stripNodeKind);
    if (versionIds.length === 0) return new Set();
    const rows = await db
      .selectFrom('lineage_feature_versions')
      .select('feature_version_id')
      .where('feature_version_id', 'in', versionIds)
      .execute();
    return new Set(rows.map((r) => nodeId('feature_version', r.feature_version_id)));
  },
};

const stripNodeKind = (id: string) => id.slice(FEATURE_VERSION_NODE.length);
