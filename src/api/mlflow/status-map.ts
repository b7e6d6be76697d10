import type { StatusMap } from '../errors.js';

/**
 * MLflow's HTTP status for each error code (its `ERROR_CODE_TO_HTTP_STATUS`): notably RESOURCE_ALREADY_EXISTS is a
 * 400 there, not a 409. MLflow itself maps INVALID_STATE to 500, but its server never raises it for anything a
 * client sends (a deleted run or experiment is reported as INVALID_PARAMETER_VALUE, a 400); Mnemo raises INVALID_STATE
 * exactly for those client mistakes, so it answers 400 as MLflow does for them.
 */
export const MLFLOW_STATUS: StatusMap = {
  INVALID_PARAMETER_VALUE: 400,
  RESOURCE_ALREADY_EXISTS: 400,
  INVALID_STATE: 400,
  RESOURCE_DOES_NOT_EXIST: 404,
  PERMISSION_DENIED: 403,
  UNAUTHENTICATED: 401,
  // MLflow's own code for a quota; an upload over a size limit is 413 there as everywhere.
  RESOURCE_EXHAUSTED: 413,
};

/** Where MLflow's REST API is served: the tracking and registry API, its UI alias, and the pre-2.0 alias. */
export const MLFLOW_TRACKING_PREFIXES = ['/api/2.0/mlflow', '/ajax-api/2.0/mlflow', '/api/2.0/preview/mlflow'] as const;

/** Where the artifact proxy (`mlflow server --serve-artifacts`) is served. */
export const MLFLOW_ARTIFACT_PREFIXES = ['/api/2.0/mlflow-artifacts', '/ajax-api/2.0/mlflow-artifacts'] as const;
