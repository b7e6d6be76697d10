import type { ReactNode } from 'react';
import { Link, useParams } from 'react-router-dom';
import { fromWireNumber } from '../../../src/sdk/wire/non-finite.js';
import { ApiError, api, loggedModelFileUrl } from '../api/client.js';
import { queryKeys } from '../api/queries.js';
import type { LoggedModel } from '../api/types.js';
import { KeyValueTable } from '../components/KeyValueTable.js';
import { ModelStatusBadge } from '../components/ModelStatusBadge.js';
import { registeredAs } from '../components/RunModels.js';
import { Empty, ErrorMessage, Loading } from '../components/states.js';
import { formatBytes, formatNumber, formatTime } from '../lib/format.js';
import { useApiQuery } from '../lib/use-api-query.js';

const runPath = (experimentId: string, runId: string) =>
  `/experiments/${encodeURIComponent(experimentId)}/runs/${encodeURIComponent(runId)}`;

/**
 * One MLflow 3 LoggedModel: what it is, the run that produced it, its params, tags and metrics (each with the dataset
 * it was measured on), its files with their hashes, and the registered versions made from it.
 */
export function LoggedModelPage() {
  const { modelId = '' } = useParams();
  const model = useApiQuery(queryKeys.loggedModel(modelId), (signal) => api.loggedModel(modelId, signal));
  if (model.error) {
    // A deleted model answers 404 like one that never existed, and a malformed id 400: both mean there is no such
    // model to show, which is said plainly rather than as a failed request.
    const gone = model.error instanceof ApiError && (model.error.status === 404 || model.error.status === 400);
    return (
      <div className="page">
        {gone ? (
          <div data-testid="model-not-found">
            <Empty title="Model not found">
              <p>
                No model has the id <code className="wrap">{modelId}</code>. It may have been deleted.
              </p>
              <Link to="/">Back to experiments</Link>
            </Empty>
          </div>
        ) : (
          <ErrorMessage error={model.error} onRetry={model.reload} />
        )}
      </div>
    );
  }
  if (!model.data) return <Loading label="Loading model…" />;
  return <ModelView model={model.data.loggedModel} />;
}

function ModelView({ model }: { model: LoggedModel }) {
  const experiment = useApiQuery(queryKeys.experiment(model.experimentId), (signal) =>
    api.experiment(model.experimentId, signal),
  );
  const sourceRunId = model.sourceRunId;
  // The same entry the run page reads, so a model opened from its run (or the run from its model) is not read again.
  const sourceRun = useApiQuery(queryKeys.run(sourceRunId ?? ''), (signal) => api.run(sourceRunId ?? '', signal), {
    enabled: Boolean(sourceRunId),
  });
  const experimentName = experiment.data?.experiment.name ?? `experiment ${model.experimentId}`;
  const facts: [string, ReactNode][] = [
    ['Status', <ModelStatusBadge key="s" status={model.status} />],
    [
      'Model ID',
      <span key="id" className="mono break-anywhere" data-testid="model-id">
        {model.modelId}
      </span>,
    ],
    [
      'Source run',
      sourceRunId ? (
        <Link key="r" to={runPath(model.experimentId, sourceRunId)} data-testid="model-source-run" title={sourceRunId}>
          {sourceRun.data?.run.runName || sourceRunId}
        </Link>
      ) : (
        '—'
      ),
    ],
    [
      'Experiment',
      <Link key="e" to={`/experiments/${encodeURIComponent(model.experimentId)}`} data-testid="model-experiment">
        {experimentName}
      </Link>,
    ],
    ['Model type', model.modelType || '—'],
    ['Created', formatTime(model.creationTime)],
    ['Updated', formatTime(model.lastUpdatedTime)],
  ];
  return (
    <div className="page model-page">
      <div className="page-header">
        <div>
          <div className="crumbs">
            <Link to="/">Experiments</Link> /{' '}
            <Link to={`/experiments/${encodeURIComponent(model.experimentId)}`}>{experimentName}</Link> / models /
          </div>
          <h1 title={model.name}>
            <span className="run-title" data-testid="model-name">
              {model.name}
            </span>{' '}
            <ModelStatusBadge status={model.status} />
          </h1>
        </div>
      </div>
      {model.statusMessage && (
        <div className="notice status-message" role="status">
          {model.statusMessage}
        </div>
      )}
      <div className="overview">
        <dl className="facts" data-testid="model-facts">
          {facts.map(([label, value]) => (
            <div key={label}>
              <dt>{label}</dt>
              <dd>{value}</dd>
            </div>
          ))}
        </dl>
        <section data-testid="model-versions">
          <h2>Registered versions ({model.registeredVersions.length})</h2>
          {model.registeredVersions.length === 0 ? (
            <p className="muted">Not registered in the model registry.</p>
          ) : (
            <ul className="plain-list">
              {model.registeredVersions.map((v) => (
                <li key={`${v.name}/${v.version}`} className="mono">
                  {registeredAs({ registeredVersions: [v] })}
                </li>
              ))}
            </ul>
          )}
        </section>
        <div className="two-columns">
          <section>
            <h2>Parameters ({Object.keys(model.params).length})</h2>
            <KeyValueTable entries={Object.entries(model.params)} empty="No parameters." testId="model-params" />
          </section>
          <section>
            <h2>Tags ({Object.keys(model.tags).length})</h2>
            <KeyValueTable entries={Object.entries(model.tags)} empty="No tags." testId="model-tags" />
          </section>
        </div>
        <ModelMetrics model={model} />
        <ModelFiles model={model} />
        <p className="muted small wrap">
          Stored at <span className="mono">{model.artifactUri}</span>
        </p>
      </div>
    </div>
  );
}

function ModelMetrics({ model }: { model: LoggedModel }) {
  return (
    <section>
      <h2>Metrics ({model.metrics.length})</h2>
      {model.metrics.length === 0 ? (
        <p className="muted">No metrics logged for this model.</p>
      ) : (
        <table className="data-table compact model-table" data-testid="model-metrics">
          <thead>
            <tr>
              <th className="col-key">Metric</th>
              <th className="num">Value</th>
              <th className="num col-step">Step</th>
              <th>Dataset</th>
              <th>Run</th>
            </tr>
          </thead>
          <tbody>
            {model.metrics.map((m) => (
              <tr key={`${m.key}|${m.datasetName}|${m.datasetDigest}|${m.step}|${m.runId}`}>
                <td className="mono">{m.key}</td>
                <td className="num">{formatNumber(fromWireNumber(m.value))}</td>
                <td className="num muted">{m.step}</td>
                <td>
                  {m.datasetName ?? '—'}
                  {m.datasetDigest && <span className="mono muted small"> ({m.datasetDigest})</span>}
                </td>
                <td className="mono small">
                  {m.runId ? <Link to={runPath(model.experimentId, m.runId)}>{m.runId}</Link> : '—'}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** The top level of the model's folder; files download through MLflow's artifact proxy, as MLflow clients fetch them. */
function ModelFiles({ model }: { model: LoggedModel }) {
  return (
    <section>
      <h2>Files ({model.files.length})</h2>
      {model.files.length === 0 ? (
        <p className="muted">
          {model.status === 'LOGGED_MODEL_PENDING' ? 'No files uploaded yet.' : 'This model has no files.'}
        </p>
      ) : (
        <table className="data-table compact model-table" data-testid="model-files">
          <thead>
            <tr>
              <th className="col-key">Path</th>
              <th className="num col-size">Size</th>
              <th>SHA-256</th>
            </tr>
          </thead>
          <tbody>
            {model.files.map((f) => {
              const url = f.isDir ? null : loggedModelFileUrl(model, f.path);
              return (
                <tr key={f.path} data-path={f.path}>
                  <td className="mono">
                    {url ? (
                      <a href={url} download={f.path.split('/').pop()}>
                        {f.path}
                      </a>
                    ) : (
                      `${f.path}${f.isDir ? '/' : ''}`
                    )}
                  </td>
                  <td className="num">{f.isDir ? '—' : formatBytes(f.size)}</td>
                  <td className="mono small" data-testid="file-sha256">
                    {f.sha256 ?? '—'}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}
