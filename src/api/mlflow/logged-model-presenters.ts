import type { LoggedModel, LoggedModelMetric } from '../../domain/tracking/logged-model.js';
import { metricValueForMlflow } from './wire-values.js';

type Json = Record<string, unknown>;

const pairs = (list: { key: string; value: string }[]) => list.map((p) => ({ key: p.key, value: p.value }));

function presentModelMetric(metric: LoggedModelMetric, modelId: string): Json {
  const json: Json = {
    key: metric.key,
    value: metricValueForMlflow(metric.value),
    timestamp: metric.timestamp,
    step: metric.step,
  };
  if (metric.datasetName !== null) json.dataset_name = metric.datasetName;
  if (metric.datasetDigest !== null) json.dataset_digest = metric.datasetDigest;
  json.model_id = modelId;
  if (metric.runId !== null) json.run_id = metric.runId;
  return json;
}

/**
 * A LoggedModel as MLflow 3 prints it: `info` with the times in `*_timestamp_ms`, an empty `source_run_id` for a
 * model logged without a run, tags inside `info`; params and metrics in `data`, each left out when empty.
 */
export function presentLoggedModel(model: LoggedModel): Json {
  const info: Json = {
    model_id: model.modelId,
    experiment_id: model.experimentId,
    name: model.name,
    creation_timestamp_ms: model.creationTime,
    last_updated_timestamp_ms: model.lastUpdatedTime,
    artifact_uri: model.artifactUri,
    status: model.status,
    model_type: model.modelType,
    source_run_id: model.sourceRunId ?? '',
  };
  if (model.statusMessage) info.status_message = model.statusMessage;
  if (model.tags.length > 0) info.tags = pairs(model.tags);
  const data: Json = {};
  if (model.params.length > 0) data.params = pairs(model.params);
  if (model.metrics.length > 0) data.metrics = model.metrics.map((m) => presentModelMetric(m, model.modelId));
  return { info, data };
}
