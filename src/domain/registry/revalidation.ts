import type { DatasetVersion } from '../lineage/dataset-version.js';
import type { PathStep } from '../lineage/impact.js';

/**
 * What changed upstream of a model version: a newer version of data or a feature it was trained on, a schema that
 * changed under it, or (named by whoever raises it) a change to where it runs.
 */
export const REVALIDATION_CAUSES = [
  'new_dataset_version',
  'new_feature_version',
  'dataset_schema_change',
  'environment_change',
] as const;
export type RevalidationCauseKind = (typeof REVALIDATION_CAUSES)[number];

export interface RevalidationCause {
  kind: RevalidationCauseKind;
  /** The node that changed, or the newer node that replaces the one the version relied on. */
  upstreamNodeId: string;
  upstreamLabel: string;
  /** The node the version relied on (the older dataset or feature version); the upstream node itself otherwise. */
  replacedNodeId: string;
  /** One sentence a person reads in the inbox, the webhook and the list. */
  description: string;
}

/**
 * A model version's flag: it relied on something that changed, through `path` (the chain of lineage edges from the
 * replaced node to the version). Open until an evaluation on the new upstream version is recorded, or a manager
 * clears it with a reason.
 */
export interface RevalidationFlag {
  id: string;
  modelId: string;
  name: string;
  version: number;
  cause: RevalidationCause;
  path: PathStep[];
  raisedTime: number;
  cleared: RevalidationClearance | null;
}

export interface RevalidationClearance {
  time: number;
  /** `evaluation`: an evaluation on the new upstream version was recorded; `manual`: a manager cleared it. */
  by: 'evaluation' | 'manual';
  actor: string;
  reason: string;
}

/**
 * Whether an evaluation names the flag's new upstream version as the data it was measured on. People name a dataset
 * version by its id, its graph node id or its label (`namespace:name@version`), and feature versions by id or label.
 */
export function evaluationClears(flag: Pick<RevalidationFlag, 'cause'>, datasetVersion: string | null): boolean {
  if (datasetVersion === null) return false;
  const { upstreamNodeId, upstreamLabel } = flag.cause;
  const entityId = upstreamNodeId.slice(upstreamNodeId.indexOf(':') + 1);
  return datasetVersion === upstreamNodeId || datasetVersion === entityId || datasetVersion === upstreamLabel;
}

/** The cause sentence for a newer version of something replacing the one a version relied on. */
export function describeReplacement(kind: RevalidationCauseKind, replacedLabel: string, upstreamLabel: string): string {
  switch (kind) {
    case 'new_dataset_version':
      return `Dataset version ${upstreamLabel} replaces ${replacedLabel}, which the version was trained on`;
    case 'new_feature_version':
      return `Feature version ${upstreamLabel} replaces ${replacedLabel}, which the version was trained on`;
    case 'dataset_schema_change':
      return replacedLabel === upstreamLabel
        ? `The schema of dataset version ${upstreamLabel}, which the version was trained on, changed`
        : `Dataset version ${upstreamLabel} changes the schema of ${replacedLabel}, which the version was trained on`;
    case 'environment_change':
      return `Environment ${upstreamLabel} changed`;
  }
}

/** Columns differ when a name was added or removed or a type changed; order does not matter. */
export function schemaChanged(
  before: readonly { name: string; type?: string | null }[] | null,
  after: readonly { name: string; type?: string | null }[] | null,
): boolean {
  if (!before || !after) return false;
  const key = (columns: readonly { name: string; type?: string | null }[]) =>
    columns
      .map((c) => `${c.name}\u0000${c.type ?? ''}`)
      .sort()
      .join('\u0001');
  return key(before) !== key(after);
}

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
