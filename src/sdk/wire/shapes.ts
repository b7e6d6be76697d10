import type { Owners } from './collaboration-shapes.js';
import type { WireNumber } from './non-finite.js';

/**
 * The native API's (/api/v1) reply shapes as JSON carries them. The server's TypeBox schemas are checked against
 * these at compile time (src/api/native/wire-conformance.ts), and the SDK, the web UI and the tests read replies
 * through them. This folder imports nothing from outside itself, so the SDK can ship it without any server code.
 */

export type RunStatus = 'RUNNING' | 'SCHEDULED' | 'FINISHED' | 'FAILED' | 'KILLED';
export type ViewType = 'ACTIVE_ONLY' | 'DELETED_ONLY' | 'ALL';

export interface Experiment {
  experimentId: string;
  name: string;
  artifactLocation: string;
  lifecycleStage: string;
  /** Milliseconds since the epoch. */
  creationTime: number;
  lastUpdateTime: number;
  tags: Record<string, string>;
  /** Who owns it, on the native API's experiment pages and lists. */
  owners?: Owners;
}

/** Run counts and last activity of one experiment, as the experiment list shows them. */
export interface ExperimentActivity {
  experimentId: string;
  runCount: number;
  runningCount: number;
  lastActivity: number | null;
}

/** The distinct param, metric and tag keys an experiment's active runs logged. */
export interface ExperimentKeys {
  params: string[];
  metrics: string[];
  tags: string[];
}

/** One metric point; NaN and ±Infinity are strings here (see non-finite.ts). */
export interface WireMetric {
  key: string;
  value: WireNumber;
  step: number;
  timestamp: number;
}

export interface DatasetInput {
  name: string;
  digest: string;
  sourceType: string;
  source: string;
  schema?: string | null;
  profile?: string | null;
  tags?: Record<string, string>;
}

export interface WireRun {
  runId: string;
  experimentId: string;
  runName: string;
  userId: string;
  status: RunStatus;
  startTime: number;
  endTime: number | null;
  artifactUri: string;
  lifecycleStage: string;
  parentRunId: string | null;
  params: Record<string, string>;
  tags: Record<string, string>;
  /** The latest value of each metric. */
  metrics: WireMetric[];
  inputs: DatasetInput[];
  /** MLflow 3 LoggedModels the run produced (with the step each was logged at) and used. */
  modelOutputs: { modelId: string; step: number }[];
  modelInputs: string[];
  /**
   * Whether the finished run carries the metadata its experiment requires, and what it lacks (each field as the
   * filter language names it, with why it is needed); null until the run finishes with something required.
   */
  completeness?: WireRunCompleteness | null;
}

export interface WireRunCompleteness {
  complete: boolean;
  missing: { field: string; reason: string }[];
  evaluatedTime: number;
}

export interface ArtifactFile {
  path: string;
  isDir: boolean;
  size: number | null;
  sha256: string | null;
}

/** An MLflow 3 LoggedModel with its files and the registered versions made from it. */
export interface LoggedModel {
  modelId: string;
  experimentId: string;
  name: string;
  artifactUri: string;
  /** LOGGED_MODEL_PENDING, LOGGED_MODEL_READY or LOGGED_MODEL_UPLOAD_FAILED. */
  status: string;
  statusMessage: string | null;
  modelType: string;
  sourceRunId: string | null;
  lifecycleStage: string;
  creationTime: number;
  lastUpdatedTime: number;
  tags: Record<string, string>;
  params: Record<string, string>;
  metrics: {
    key: string;
    value: WireNumber;
    timestamp: number;
    step: number;
    runId: string | null;
    datasetName: string | null;
    datasetDigest: string | null;
  }[];
  registeredVersions: { name: string; version: number }[];
  files: ArtifactFile[];
}

/** GET /runs/{runId}/metric-history: a page of points, or with `points` a sample for charts. */
export interface MetricHistory {
  metrics: WireMetric[];
  nextPageToken?: string;
  totalPoints?: number;
  /** NaN points a sample had no room for, one per bucket at most: charts still mark them. */
  hiddenNaN?: WireMetric[];
}
