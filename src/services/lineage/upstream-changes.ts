import type { DatasetVersion } from '../../domain/lineage/dataset-version.js';
import { type RevalidationCauseKind, schemaChanged } from '../../domain/registry/revalidation.js';
import type { WriteScope } from '../unit-of-work.js';

/**
 * Something upstream changed: `upstreamNodeId` is the new or changed node; `replacedNodeIds` are the nodes model
 * versions relied on that it supersedes (the earlier versions of a dataset or feature, or the node itself when it
 * changed in place). Every model version trained on a replaced node, however many hops away, needs revalidating.
 */
export interface UpstreamChange {
  kind: RevalidationCauseKind;
  upstreamNodeId: string;
  replacedNodeIds: readonly string[];
  /** Overrides the cause sentence built from the kind (e.g. which package of an environment changed). */
  description?: string;
}

/** Told of upstream changes inside the write that makes them (the registry flags the versions they reach). */
export interface UpstreamChangeHandler {
  upstreamChanged(scope: WriteScope, change: UpstreamChange): Promise<unknown>;
}

/**
 * What saving a dataset version changed for the models downstream: a new version replaces every earlier one of its
 * dataset (a schema change when its columns differ from the newest earlier one's); columns restated differently on
 * an existing version change its schema in place.
 */
export function datasetVersionChange(
  saved: DatasetVersion,
  existing: DatasetVersion | undefined,
  earlier: readonly DatasetVersion[],
): UpstreamChange | undefined {
  if (existing) {
    if (!schemaChanged(existing.columns, saved.columns)) return undefined;
    return { kind: 'dataset_schema_change', upstreamNodeId: saved.nodeId, replacedNodeIds: [saved.nodeId] };
  }
  const others = earlier.filter((v) => v.versionId !== saved.versionId);
  if (others.length === 0) return undefined;
  const newest = others.reduce((a, b) => (b.createdTime >= a.createdTime ? b : a));
  return {
    kind: schemaChanged(newest.columns, saved.columns) ? 'dataset_schema_change' : 'new_dataset_version',
    upstreamNodeId: saved.nodeId,
    replacedNodeIds: others.map((v) => v.nodeId),
  };
}
