import { Link } from 'react-router-dom';
import { ApiError, api } from '../api/client.js';
import { queryKeys } from '../api/queries.js';
import type { LoggedModel, Run } from '../api/types.js';
import { formatTime } from '../lib/format.js';
import { useApiQuery } from '../lib/use-api-query.js';
import { ModelStatusBadge } from './ModelStatusBadge.js';
import { ErrorMessage } from './states.js';

export const loggedModelPath = (modelId: string) => `/logged-models/${encodeURIComponent(modelId)}`;

/** "name vN, …": the registered versions made from a model, as the registry names them. */
export const registeredAs = (model: Pick<LoggedModel, 'registeredVersions'>) =>
  model.registeredVersions.map((v) => `${v.name} v${v.version}`).join(', ');

/** A model the run read, or null when it has been deleted or never existed (it answers 404). */
async function modelOrGone(modelId: string, signal: AbortSignal): Promise<LoggedModel | null> {
  try {
    return (await api.loggedModel(modelId, signal)).loggedModel;
  } catch (error) {
    if (error instanceof ApiError && (error.status === 404 || error.status === 400)) return null;
    throw error;
  }
}

/**
 * The MLflow 3 LoggedModels a run produced (with the step each was logged at, when it was logged as an output) and
 * the models it took as inputs. A model deleted since is left out of the outputs (the server only lists live ones)
 * and named as gone among the inputs, so the list of inputs stays complete.
 */
export function RunModels({ run }: { run: Run }) {
  const produced = useApiQuery(
    queryKeys.runLoggedModels(run.runId, run.modelOutputs.length),
    (signal) => api.runLoggedModels(run.runId, signal),
    // A running run that logs another model keeps its list on screen while the longer one loads.
    { keepPrevious: true },
  );
  const inputs = useApiQuery(
    queryKeys.runModelInputs(run.runId, run.modelInputs),
    (signal) => Promise.all(run.modelInputs.map(async (id) => ({ id, model: await modelOrGone(id, signal) }))),
    { keepPrevious: true },
  );
  const steps = new Map(run.modelOutputs.map((o) => [o.modelId, o.step]));
  const models = produced.data?.loggedModels ?? [];
  return (
    <>
      <section data-testid="run-models" aria-busy={produced.loading}>
        <h2>Models ({models.length})</h2>
        {produced.error ? (
          <ErrorMessage error={produced.error} onRetry={produced.reload} />
        ) : models.length === 0 ? (
          <p className="muted">{produced.loading ? 'Loading…' : 'No models logged by this run.'}</p>
        ) : (
          <table className="data-table compact model-table" data-testid="models">
            <thead>
              <tr>
                <th>Model</th>
                <th className="col-status">Status</th>
                <th className="num col-step">Step</th>
                <th className="col-time">Created</th>
                <th>Registered as</th>
              </tr>
            </thead>
            <tbody>
              {models.map((m) => (
                <tr key={m.modelId} data-model-id={m.modelId}>
                  <td>
                    <Link to={loggedModelPath(m.modelId)} title={m.modelId}>
                      {m.name}
                    </Link>
                  </td>
                  <td>
                    <ModelStatusBadge status={m.status} />
                  </td>
                  <td className="num" data-testid="model-step">
                    {steps.get(m.modelId) ?? '—'}
                  </td>
                  <td className="muted">{formatTime(m.creationTime)}</td>
                  <td className="mono small" data-testid="model-registered">
                    {registeredAs(m) || '—'}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      {run.modelInputs.length > 0 && (
        <section data-testid="run-model-inputs" aria-busy={inputs.loading}>
          <h2>Model inputs ({run.modelInputs.length})</h2>
          {inputs.error ? (
            <ErrorMessage error={inputs.error} onRetry={inputs.reload} />
          ) : !inputs.data ? (
            <p className="muted">Loading…</p>
          ) : (
            <table className="data-table compact model-table" data-testid="model-inputs">
              <thead>
                <tr>
                  <th>Model</th>
                  <th className="col-status">Status</th>
                  <th>Source run</th>
                </tr>
              </thead>
              <tbody>
                {inputs.data.map(({ id, model }) => (
                  <tr key={id} data-model-id={id}>
                    {model ? (
                      <>
                        <td>
                          <Link to={loggedModelPath(id)} title={id}>
                            {model.name}
                          </Link>
                        </td>
                        <td>
                          <ModelStatusBadge status={model.status} />
                        </td>
                        <td className="mono small">
                          {model.sourceRunId ? (
                            <Link
                              to={`/experiments/${encodeURIComponent(model.experimentId)}/runs/${encodeURIComponent(model.sourceRunId)}`}
                            >
                              {model.sourceRunId}
                            </Link>
                          ) : (
                            '—'
                          )}
                        </td>
                      </>
                    ) : (
                      <>
                        <td className="mono small">{id}</td>
                        <td colSpan={2} className="muted" data-testid="model-gone">
                          Deleted or unknown model
                        </td>
                      </>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      )}
    </>
  );
}
