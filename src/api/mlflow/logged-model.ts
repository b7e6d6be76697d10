import { invalid } from '../../domain/errors.js';

const MANDATORY_FIELDS = ['artifact_path', 'flavors', 'utc_time_created', 'run_id'] as const;

/**
 * Reads runs/log-model's `model_json` (an MLmodel file as JSON) into the entry MLflow appends to a run's
 * `mlflow.log-model.history` tag. Like MLflow, the signature and input-example details are left out of the tag:
 * they live in the model's own files and would quickly outgrow a tag value.
 */
export function parseLoggedModel(modelJson: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(modelJson);
  } catch {
    throw invalid('model_json is not valid JSON.');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw invalid('model_json must be a JSON object describing the model.');
  }
  const model = parsed as Record<string, unknown>;
  const missing = MANDATORY_FIELDS.filter((field) => !(field in model));
  if (missing.length > 0) throw invalid(`Model json is missing mandatory fields: ${missing.join(', ')}`);
  const { signature: _signature, saved_input_example_info: _example, ...entry } = model;
  return entry;
}
