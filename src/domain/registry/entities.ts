import type { KeyValue } from '../tracking/entities.js';
import type { ManifestEntry } from './manifest.js';
import type { Stage } from './stages.js';

/** Registry entities as services hand them to the API layers. Times are epoch milliseconds. */

/** The model card: what a model is for and where it must not be used. */
export interface ModelCard {
  description: string | null;
  ownerTeam: string | null;
  purpose: string | null;
  algorithmFamily: string | null;
  taskType: string | null;
  intendedUse: string | null;
  limitations: string | null;
  latencyBudgetMs: number | null;
  regulatoryFlags: string[];
}

/** Which metadata schema a record's metadata document was written against. */
export interface SchemaRef {
  subject: string;
  version: number;
}

export interface ModelAlias {
  alias: string;
  version: number;
}

export interface RegisteredModel extends ModelCard {
  name: string;
  creationTime: number;
  lastUpdatedTime: number;
  tags: KeyValue[];
  aliases: ModelAlias[];
  /** Custom metadata fields beyond the model card, validated against `metadataSchema` when one is set. */
  metadata: Record<string, unknown>;
  metadataSchema: SchemaRef | null;
}

export interface Signature {
  inputs: unknown;
  outputs: unknown;
}

export interface DeprecationPlan {
  deprecatedBy: number | null;
  sunsetTime: number | null;
}

export type VersionStatus = 'READY';

export interface ModelVersion {
  name: string;
  version: number;
  creationTime: number;
  lastUpdatedTime: number;
  userId: string;
  description: string | null;
  source: string;
  runId: string | null;
  status: VersionStatus;
  statusMessage: string | null;
  stage: Stage;
  aliases: string[];
  tags: KeyValue[];
  manifestDigest: string;
  fileCount: number;
  totalSize: number;
  /**
   * Registered from a source that held no files (MLflow clients register before uploading, or never upload): the
   * version vouches for nothing yet. Completeness counts it against the version and policies can refuse it.
   */
  sourceWithoutFiles: boolean;
  /** The MLflow 3 LoggedModel the version was registered from, when it was. */
  loggedModelId: string | null;
  signature: Signature | null;
  releaseNotes: string | null;
  deprecation: DeprecationPlan;
  metadata: Record<string, unknown>;
  metadataSchema: SchemaRef | null;
}

export interface VersionManifest {
  name: string;
  version: number;
  source: string;
  manifestDigest: string;
  files: ManifestEntry[];
}

export interface StageTransition {
  name: string;
  version: number;
  fromStage: Stage | null;
  toStage: Stage;
  actor: string;
  reason: string | null;
  time: number;
  /** The transition request the change completed, when the stage is protected, and who approved it. */
  requestId?: string;
  approvedBy?: string[];
}

export interface Evaluation {
  metric: string;
  value: number;
  slice: string;
  datasetVersion: string | null;
  recordedTime: number;
}

export const CHECK_KINDS = ['fairness', 'drift'] as const;
export type CheckKind = (typeof CHECK_KINDS)[number];

export interface CheckResult {
  kind: CheckKind;
  name: string;
  passed: boolean;
  value: number | null;
  threshold: number | null;
  slice: string | null;
  datasetVersion: string | null;
  details: Record<string, unknown>;
  recordedTime: number;
}
