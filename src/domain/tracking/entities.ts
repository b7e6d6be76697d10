import type { RunCompleteness } from './run-requirements.js';

/** Tracking entities as the services hand them to the API layers. Times are epoch milliseconds. */

export type LifecycleStage = 'active' | 'deleted';

export const RUN_STATUSES = ['RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

export const isTerminalStatus = (status: RunStatus): boolean =>
  status === 'FINISHED' || status === 'FAILED' || status === 'KILLED';

export interface KeyValue {
  key: string;
  value: string;
}

export interface Experiment {
  experimentId: string;
  name: string;
  artifactLocation: string;
  lifecycleStage: LifecycleStage;
  creationTime: number;
  lastUpdateTime: number;
  tags: KeyValue[];
}

export interface RunInfo {
  runId: string;
  experimentId: string;
  runName: string;
  userId: string;
  status: RunStatus;
  startTime: number;
  endTime: number | null;
  artifactUri: string;
  lifecycleStage: LifecycleStage;
  parentRunId: string | null;
}

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
  schema: string | null;
  profile: string | null;
  tags: KeyValue[];
}

export interface Run {
  info: RunInfo;
  params: KeyValue[];
  /** The latest value of each metric (highest step, then latest timestamp), as MLflow reports it. */
  metrics: Metric[];
  tags: KeyValue[];
  inputs: DatasetInput[];
  /** MLflow 3: the LoggedModels the run produced (with the step each was logged at) and the ones it used. */
  modelOutputs: { modelId: string; step: number }[];
  modelInputs: string[];
  /** What the run lacks of the metadata its experiment requires; null until it finishes with something required. */
  completeness?: RunCompleteness | null;
}

export interface ArtifactFile {
  path: string;
  isDir: boolean;
  size: number | null;
  sha256: string | null;
}

export type ViewType = 'ACTIVE_ONLY' | 'DELETED_ONLY' | 'ALL';
