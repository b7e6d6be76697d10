import { nodeId } from '../../../domain/lineage/node-id.js';
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
  current: (row) => ({ ...row }),
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
  current: (row) => ({
    featureVersionId: row.feature_version_id,
    nodeId: nodeId('feature_version', row.feature_version_id),
    featureId: row.feature_id,
    version: row.version,
    pipeline: row.pipeline,
    transformation: row.transformation,
    codeRefId: row.code_ref_id,
    createdTime: row.created_time,
  }),
  checkedElsewhere: ['name', 'inputs'],
  present: async (db, ids) => {
    const versionIds = ids.filter((id) => id.startsWith(FEATURE_VERSION_NODE)).map(stripNodeKind);
    if (versionIds.length === 0) return new Set();
    const present = await presentKeys(db, 'lineage_feature_versions', versionIds);
    return new Set([...present].map((id) => nodeId('feature_version', id)));
  },
};

const stripNodeKind = (id: string) => id.slice(FEATURE_VERSION_NODE.length);
