import type { LifecycleStage } from '../domain/tracking/entities.js';
import type { LoggedModelStatus } from '../domain/tracking/logged-model.js';

/** MLflow 3's LoggedModels and what hangs off them (see migration 0016). */
export interface LoggedModelsTable {
  model_id: string;
  experiment_id: string;
  name: string;
  /** The model's folder below the artifact root: `<experiment location>/models/<model id>/artifacts`. */
  artifact_location: string;
  status: LoggedModelStatus;
  status_message: string | null;
  model_type: string;
  source_run_id: string | null;
  lifecycle_stage: LifecycleStage;
  creation_time: number;
  last_updated_time: number;
}

export interface LoggedModelKeyValueTable {
  model_id: string;
  key: string;
  value: string;
}

/** NaN is stored as value 0 with is_nan 1, as for run metrics. Run and dataset are '' when the point named none. */
export interface LoggedModelMetricsTable {
  model_id: string;
  key: string;
  run_id: string;
  dataset_name: string;
  dataset_digest: string;
  value: number;
  is_nan: number;
  timestamp: number;
  step: number;
}

export interface LoggedModelFilesTable {
  model_id: string;
  path: string;
  size: number;
  sha256: string;
  created_time: number;
}

export interface RunModelLinksTable {
  run_id: string;
  model_id: string;
  direction: 'output' | 'input';
  step: number | null;
  created_time: number;
}

export interface LoggedModelDatabase {
  logged_models: LoggedModelsTable;
  logged_model_tags: LoggedModelKeyValueTable;
  logged_model_params: LoggedModelKeyValueTable;
  logged_model_metrics: LoggedModelMetricsTable;
  logged_model_files: LoggedModelFilesTable;
  run_model_links: RunModelLinksTable;
}
