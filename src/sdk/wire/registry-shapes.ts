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

/** A stage or alias a policy or request is about: exactly one of the two. */
export interface StatusTarget {
  stage?: string;
  alias?: string;
}

/**
 * Where one version of a model stands, as the versions table shows it: its source run's key metrics (hidden when
 * the caller may not read the run's experiment), metadata completeness, open revalidation flags, the verdict of the
 * policies on each protected stage and alias, and the transition request telling where its approval stands.
 */
export interface VersionStatus {
  version: number;
  stage: 'None' | 'Staging' | 'Production' | 'Archived';
  aliases: string[];
  runId: string | null;
  metrics: { hidden: boolean; values: Record<string, number | string> };
  completeness: {
    score: number;
    present: number;
    expected: number;
    missing: { path: string; level: string }[];
    schema: { subject: string; version: number } | null;
  };
  revalidation: { needed: boolean; flags: RevalidationFlag[] };
  policies: { target: StatusTarget; passed: boolean; policies: number; failedRules: string[] }[];
  approval: {
    requestId: string;
    status: 'pending' | 'approved' | 'rejected' | 'withdrawn' | 'expired' | 'overridden';
    target: StatusTarget;
    approvals: number;
    requiredApprovals: number;
    creationTime: number;
  } | null;
}

/** The versions table's page: the key-metric columns, and each version's standing. */
export interface VersionStatusReport {
  name: string;
  keyMetrics: string[];
  versions: VersionStatus[];
  nextPageToken?: string;
}
