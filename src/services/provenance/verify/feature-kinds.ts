import { nodeId } from '../../../domain/lineage/node-id.js';
import {
  FEATURE_VERSION_STATE_FROM_ELSEWHERE,
  featureState,
  featureVersionState,
} from '../../../domain/provenance/audit-events/lineage-states.js';
import { keyedPages, presentKeys } from '../../../store/readers/keyed-table-pages.js';
import { featureVersionsAfter } from '../../../store/readers/lineage-reads.js';
import type { LineageFeaturesTable, LineageFeatureVersionsTable } from '../../../store/schema-lineage.js';
import type { RecordedRowKind } from './recorded-rows.js';

/** Features are only ever created; their events record the whole row. */
export const featureKind: RecordedRowKind<LineageFeaturesTable> = {
  entityKind: 'feature',
  noun: 'feature',
  ...keyedPages('lineage_features'),
  entityId: (row) => row.feature_id,
  label: (row) => `feature '${row.name}' (${row.feature_id})`,
  current: (row) => featureState(row),
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
  page: (db, after, limit) => featureVersionsAfter(db, after?.feature_version_id ?? '', limit),
  entityId: (row) => nodeId('feature_version', row.feature_version_id),
  label: (row) => `feature version '${row.feature_name ?? '?'}@${row.version}' (${row.feature_version_id})`,
  // The name and inputs are left empty here: they are compared with the feature and the edges, not this row.
  current: (row) => featureVersionState(row, { name: '', inputs: [] }),
  checkedElsewhere: FEATURE_VERSION_STATE_FROM_ELSEWHERE,
  present: async (db, ids) => {
    const versionIds = ids.filter((id) => id.startsWith(FEATURE_VERSION_NODE)).map(stripNodeKind);
    if (versionIds.length === 0) return new Set();
    const present = await presentKeys(db, 'lineage_feature_versions', versionIds);
    return new Set([...present].map((id) => nodeId('feature_version', id)));
  },
};

const stripNodeKind = (id: string) => id.slice(FEATURE_VERSION_NODE.length);
