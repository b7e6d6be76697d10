import { invalid } from '../../domain/errors.js';

/** MLflow renamed `run_uuid` to `run_id` but clients still send either or both; `run_id` wins when both are set. */
export function runIdOf(request: { run_id?: string | undefined; run_uuid?: string | undefined }): string {
  const runId = request.run_id || request.run_uuid;
  if (!runId) throw invalid("Missing value for required parameter 'run_id'.");
  return runId;
}
