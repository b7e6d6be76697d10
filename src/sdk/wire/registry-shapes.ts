/**
 * What the registry records about a model version beyond its own fields, as the native API sends it: its files with
 * their hashes, its evaluation results per data slice, and its fairness and drift checks.
 */

export interface ManifestFile {
  path: string;
  size: number;
  sha256: string;
}

/** The files a version vouches for, each with its SHA-256, and the digest over all of them. */
export interface VersionManifest {
  name: string;
  version: number;
  source: string;
  manifestDigest: string;
  files: ManifestFile[];
}

/** One metric of a version measured on one slice of data (`overall` when not sliced). */
export interface Evaluation {
  metric: string;
  value: number;
  slice: string;
  /** The dataset version it was measured on, when known. */
  datasetVersion: string | null;
  recordedTime: number;
}

/** A fairness or drift check of a version, passed or failed, with what it measured against its threshold. */
export interface CheckResult {
  kind: 'fairness' | 'drift';
  name: string;
  passed: boolean;
  value: number | null;
  threshold: number | null;
  slice: string | null;
  datasetVersion: string | null;
  details: Record<string, unknown>;
  recordedTime: number;
}

/** One edge of a lineage path, in its stored direction (upstream → downstream), with the run that made it. */
export interface LineagePathStep {
  from: string;
  to: string;
  type: 'consumed' | 'produced' | 'derived_from' | 'depends_on' | 'deployed_to';
  runId: string | null;
}

/**
 * A model version's revalidation flag: something it was trained on changed upstream. `path` leads from the node it
 * relied on (`cause.replacedNodeId`) to the version. Open while `cleared` is null.
 */
export interface RevalidationFlag {
  id: string;
  modelId: string;
  name: string;
  version: number;
  cause: {
    kind: 'new_dataset_version' | 'new_feature_version' | 'dataset_schema_change' | 'environment_change';
    upstreamNodeId: string;
    upstreamLabel: string;
    replacedNodeId: string;
    description: string;
  };
  path: LineagePathStep[];
  raisedTime: number;
  cleared: { time: number; by: 'evaluation' | 'manual'; actor: string; reason: string } | null;
}
