import type {
  ArtifactFile,
  DatasetInput,
  Experiment,
  KeyValue,
  Metric,
  Run,
  RunInfo,
} from '../../domain/tracking/entities.js';
import { metricValueForMlflow } from './wire-values.js';

/**
 * Entities → MLflow's JSON, as its server prints protobuf messages: snake_case names, ids as strings, and fields
 * that are unset or empty lists left out entirely (clients test for presence, e.g. `end_time`).
 */

type Json = Record<string, unknown>;

/** Adds `value` under `key` only when it is set and, for lists, not empty: protobuf's JSON printer omits the rest. */
function withOptional(target: Json, key: string, value: unknown): Json {
  if (value === undefined || value === null) return target;
  if (Array.isArray(value) && value.length === 0) return target;
  target[key] = value;
  return target;
}

const pairs = (list: KeyValue[]) => list.map((p) => ({ key: p.key, value: p.value }));

export function presentExperiment(experiment: Experiment): Json {
  return withOptional(
    {
      experiment_id: experiment.experimentId,
      name: experiment.name,
      artifact_location: experiment.artifactLocation,
      lifecycle_stage: experiment.lifecycleStage,
      last_update_time: experiment.lastUpdateTime,
      creation_time: experiment.creationTime,
    },
    'tags',
    pairs(experiment.tags),
  );
}

export function presentRunInfo(info: RunInfo): Json {
  const json: Json = {
    run_uuid: info.runId,
    experiment_id: info.experimentId,
    run_name: info.runName,
    user_id: info.userId,
    status: info.status,
    start_time: info.startTime,
  };
  withOptional(json, 'end_time', info.endTime);
  json.artifact_uri = info.artifactUri;
  json.lifecycle_stage = info.lifecycleStage;
  json.run_id = info.runId;
  return json;
}

export function presentMetric(metric: Metric): Json {
  return {
    key: metric.key,
    value: metricValueForMlflow(metric.value),
    timestamp: metric.timestamp,
    step: metric.step,
  };
}

function presentDatasetInput(input: DatasetInput): Json {
  const dataset = withOptional(
    withOptional(
      { name: input.name, digest: input.digest, source_type: input.sourceType, source: input.source },
      'schema',
      input.schema,
    ),
    'profile',
    input.profile,
  );
  const json = withOptional({}, 'tags', pairs(input.tags));
  json.dataset = dataset;
  return json;
}

/**
 * A full run, with `inputs` and `outputs` empty as `{}` when there are none, as MLflow 3 answers (older clients
 * ignore the fields they do not know). `runs/create` answers without `outputs`, as MLflow 3 does.
 */
export function presentRun(run: Run, options: { withOutputs: boolean } = { withOutputs: true }): Json {
  const data: Json = {};
  withOptional(data, 'metrics', run.metrics.map(presentMetric));
  withOptional(data, 'params', pairs(run.params));
  withOptional(data, 'tags', pairs(run.tags));
  const json: Json = { info: presentRunInfo(run.info), data };
  json.inputs = withOptional(
    withOptional({}, 'dataset_inputs', run.inputs.map(presentDatasetInput)),
    'model_inputs',
    run.modelInputs.map((modelId) => ({ model_id: modelId })),
  );
  if (options.withOutputs) {
    // MLflow 3 answers the models a run produced; older clients ignore the field.
    json.outputs = withOptional(
      {},
      'model_outputs',
      run.modelOutputs.map((o) => ({ model_id: o.modelId, step: o.step })),
    );
  }
  return json;
}

/** A file of a run's artifact listing; `path` is relative to the run's artifact root. */
export function presentFileInfo(file: Pick<ArtifactFile, 'path' | 'isDir' | 'size'>): Json {
  const json: Json = { path: file.path, is_dir: file.isDir };
  if (!file.isDir) withOptional(json, 'file_size', file.size);
  return json;
}
