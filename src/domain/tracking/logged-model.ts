import { invalid } from '../errors.js';
import type { KeyValue, LifecycleStage } from './entities.js';

/**
 * MLflow 3's LoggedModel: a model logged from a run (or without one) whose files live in a folder of their own
 * below the experiment's artifact location, rather than among the run's artifacts.
 */
export const LOGGED_MODEL_STATUSES = [
  'LOGGED_MODEL_STATUS_UNSPECIFIED',
  'LOGGED_MODEL_PENDING',
  'LOGGED_MODEL_READY',
  'LOGGED_MODEL_UPLOAD_FAILED',
] as const;
export type LoggedModelStatus = (typeof LOGGED_MODEL_STATUSES)[number];

/** The statuses a client may finalize a pending model to. */
export const FINAL_LOGGED_MODEL_STATUSES: readonly LoggedModelStatus[] = [
  'LOGGED_MODEL_READY',
  'LOGGED_MODEL_UPLOAD_FAILED',
];

/** A metric logged against a model: the latest point per run and dataset. */
export interface LoggedModelMetric {
  key: string;
  value: number;
  timestamp: number;
  step: number;
  runId: string | null;
  datasetName: string | null;
  datasetDigest: string | null;
}

export interface LoggedModel {
  modelId: string;
  experimentId: string;
  name: string;
  /** `mlflow-artifacts:/<experiment location>/models/<model id>/artifacts` */
  artifactUri: string;
  status: LoggedModelStatus;
  statusMessage: string | null;
  modelType: string;
  sourceRunId: string | null;
  lifecycleStage: LifecycleStage;
  creationTime: number;
  lastUpdatedTime: number;
  tags: KeyValue[];
  params: KeyValue[];
  metrics: LoggedModelMetric[];
}

/** A run's link to a model: the models it produced (at a step) and the ones it used. */
export interface RunModelOutput {
  modelId: string;
  step: number;
}

export const LOGGED_MODEL_ID = /^m-[0-9a-f]{32}$/;

export function checkLoggedModelId(modelId: string): string {
  if (!LOGGED_MODEL_ID.test(modelId)) {
    throw invalid(`'${modelId}' is not a logged model id (m- followed by 32 hexadecimal characters)`);
  }
  return modelId;
}

export function parseLoggedModelStatus(status: string, field = 'status'): LoggedModelStatus {
  if (!(LOGGED_MODEL_STATUSES as readonly string[]).includes(status)) {
    throw invalid(`${field} must be one of ${LOGGED_MODEL_STATUSES.join(', ')}; got '${status}'`);
  }
  return status as LoggedModelStatus;
}

/**
 * Where a pending model may go: to READY or UPLOAD_FAILED once its files are uploaded. A model that finished
 * uploading does not go back to pending, and a ready model does not become a failed upload (its files are whole).
 */
export function checkStatusChange(from: LoggedModelStatus, to: LoggedModelStatus): void {
  if (from === to) return;
  if (from === 'LOGGED_MODEL_PENDING' && FINAL_LOGGED_MODEL_STATUSES.includes(to)) return;
  if (from === 'LOGGED_MODEL_UPLOAD_FAILED' && to === 'LOGGED_MODEL_READY') return;
  throw invalid(`A logged model cannot go from ${from} to ${to}`);
}

/** The folder, below the artifact root, that holds a logged model's files. */
export function loggedModelFolder(experimentRoot: string, modelId: string): string {
  return `${experimentRoot}/models/${modelId}/artifacts`;
}

/** Reads `<experiment root>/models/<model id>/artifacts[/<file>]` back into the model id and the file's path. */
export function parseLoggedModelPath(rootPath: string): { modelId: string; relative: string } | undefined {
  const match = /^(?:.+?\/)?models\/(m-[0-9a-f]{32})\/artifacts(?:\/(.+))?$/.exec(rootPath);
  if (!match) return undefined;
  return { modelId: match[1]!, relative: match[2] ?? '' };
}
