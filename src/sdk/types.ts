/**
 * The native API's entities as the SDK hands them out. They mirror /api/v1/openapi.json; they are declared here
 * rather than imported so the SDK can ship without any server code.
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
}

/** One metric point. `value` is a number again on this side: NaN and ±Infinity travel as strings on the wire. */
export interface Metric {
  key: string;
  value: number;
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

export interface Run {
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
  metrics: Metric[];
  inputs: DatasetInput[];
  /** MLflow 3 LoggedModels the run produced (with the step each was logged at) and used. */
  modelOutputs: { modelId: string; step: number }[];
  modelInputs: string[];
}

/** An MLflow 3 LoggedModel with its files and the registered versions made from it. */
export interface LoggedModel {
  modelId: string;
  experimentId: string;
  name: string;
  artifactUri: string;
  status: 'LOGGED_MODEL_PENDING' | 'LOGGED_MODEL_READY' | 'LOGGED_MODEL_UPLOAD_FAILED' | string;
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
    value: number | string;
    timestamp: number;
    step: number;
    runId: string | null;
    datasetName: string | null;
    datasetDigest: string | null;
  }[];
  registeredVersions: { name: string; version: number }[];
  files: ArtifactFile[];
}

export interface ArtifactFile {
  path: string;
  isDir: boolean;
  size: number | null;
  sha256: string | null;
}

export interface SearchExperimentsOptions {
  filter?: string;
  orderBy?: string[];
  maxResults?: number;
  pageToken?: string;
  viewType?: ViewType;
}

export interface SearchRunsOptions {
  experimentIds: string[];
  filter?: string;
  orderBy?: string[];
  maxResults?: number;
  pageToken?: string;
  viewType?: ViewType;
}

export interface Page<T> {
  items: T[];
  nextPageToken?: string;
}
