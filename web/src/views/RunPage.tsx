import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { fromWireNumber } from '../../../src/sdk/wire/non-finite.js';
import { api } from '../api/client.js';
import { queryKeys } from '../api/queries.js';
import { ROLE_FOR, roleAllows, useEffectiveRole } from '../api/session.js';
import type { RoleName, Run } from '../api/types.js';
import { colorFor } from '../charts/chart-data.js';
import { MetricChartPanel } from '../charts/MetricChartPanel.js';
import { ArtifactBrowser } from '../components/ArtifactBrowser.js';
import { CommentsPanel } from '../components/CommentsPanel.js';
import { CompletenessBadge } from '../components/CompletenessBadge.js';
import { ConfirmButton } from '../components/ConfirmButton.js';
import { KeyValueTable } from '../components/KeyValueTable.js';
import { NotesEditor } from '../components/NotesEditor.js';
import { RenameControl } from '../components/RenameControl.js';
import { RunModels } from '../components/RunModels.js';
import { Sparkline } from '../components/Sparkline.js';
import { StatusBadge } from '../components/StatusBadge.js';
import { Empty, ErrorMessage, Loading } from '../components/states.js';
import { TagEditor } from '../components/TagEditor.js';
import { formatDuration, formatNumber, formatTime } from '../lib/format.js';
import { lineagePath } from '../lib/lineage/lineage-path.js';
import { isEnvironmentTag, isHiddenTag, SOURCE_TAGS, seedOf } from '../lib/run-facts.js';
import { type LineageDataset, runLineageDatasets } from '../lib/run-lineage.js';
import { splitSystemMetrics } from '../lib/system-metrics.js';
import { useQueryState } from '../lib/url-state.js';
import { useApiQuery } from '../lib/use-api-query.js';

const TABS = [
  ['overview', 'Overview'],
  ['charts', 'Charts'],
  ['artifacts', 'Artifacts'],
] as const;

/** Everything about one run: facts, notes, params, metrics with sparklines, tags, inputs, models, charts and artifacts. */
export function RunPage() {
  const { experimentId = '', runId = '' } = useParams();
  const [tab, setTab] = useQueryState('tab', 'overview');
  const client = useQueryClient();
  const run = useApiQuery(queryKeys.run(runId), (signal) => api.run(runId, signal));
  const experiment = useApiQuery(queryKeys.experiment(experimentId), (signal) => api.experiment(experimentId, signal));
  const running = run.data?.run.status === 'RUNNING';
  // Notes need the editor role on the run's experiment and a restore the manager role: offered only to those.
  const role = useEffectiveRole('experiment', run.data?.run.experimentId || experimentId);
  const { reload } = run;
  // A change made here (notes, a restore) reloads the run and marks the experiment's cached run lists stale, so
  // the runs table reads them again when shown next instead of showing the run as it was.
  const changed = useCallback(() => {
    reload();
    void client.invalidateQueries({ queryKey: queryKeys.experimentRuns(run.data?.run.experimentId || experimentId) });
    void client.invalidateQueries({ queryKey: queryKeys.allRunsById() });
  }, [reload, client, run.data?.run.experimentId, experimentId]);
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(reload, 5000);
    return () => clearInterval(timer);
  }, [running, reload]);

  if (run.error) {
    return (
      <div className="page">
        <ErrorMessage error={run.error} onRetry={run.reload} />
      </div>
    );
  }
  if (!run.data) return <Loading label="Loading run…" />;
  const r = run.data.run;
  return (
    <div className="page">
      <div className="page-header">
        <div>
          <div className="crumbs">
            <Link to="/">Experiments</Link> /{' '}
            <Link to={`/experiments/${encodeURIComponent(r.experimentId || experimentId)}`}>
              {experiment.data?.experiment.name ?? 'experiment'}
            </Link>{' '}
            /
          </div>
          <h1 title={r.runName || r.runId}>
            <span className="run-title">{r.runName || r.runId}</span> <StatusBadge status={r.status} />
            {r.lifecycleStage === 'deleted' && <span className="badge badge-deleted">deleted</span>}
            <CompletenessBadge completeness={r.completeness} />
          </h1>
        </div>
        {r.lifecycleStage === 'active' && (
          <div className="inline-form">
            <RenameControl
              key={r.runName}
              noun="run"
              current={r.runName}
              allowed={roleAllows(role ?? null, 'edit')}
              deniedReason={`Renaming a run needs the ${ROLE_FOR.edit} role on its experiment`}
              onRename={async (name) => {
                await api.renameRun(r.runId, name);
                changed();
              }}
            />
            <ConfirmButton
              label="Delete run"
              question="Delete this run? It can be restored until it is removed for good."
              confirmLabel="Delete"
              danger
              allowed={roleAllows(role ?? null, 'manage')}
              deniedReason={`Deleting a run needs the ${ROLE_FOR.manage} role on its experiment`}
              testId="delete-run"
              onConfirm={async () => {
                await api.deleteRun(r.runId);
                changed();
              }}
            />
          </div>
        )}
        <span className="spacer" />
        <Link className="button" to={lineagePath(`run:${r.runId}`)}>
          Lineage
        </Link>
        <Link className="button" to={`/compare?runs=${encodeURIComponent(r.runId)}`}>
          Compare with…
        </Link>
      </div>
      {r.lifecycleStage === 'deleted' && <DeletedNotice runId={r.runId} role={role} onRestored={changed} />}
      <div className="tabs" role="tablist">
        {TABS.map(([id, label]) => (
          <button
            key={id}
            type="button"
            role="tab"
            aria-selected={tab === id}
            className={tab === id ? 'active' : ''}
            onClick={() => setTab(id)}
          >
            {label}
            {id === 'artifacts' ? '' : id === 'charts' ? ` (${r.metrics.length})` : ''}
          </button>
        ))}
      </div>
      {tab === 'charts' ? (
        <RunCharts run={r} />
      ) : tab === 'artifacts' ? (
        <ArtifactBrowser runId={r.runId} />
      ) : (
        <Overview run={r} role={role} onChanged={changed} openChart={() => setTab('charts')} />
      )}
    </div>
  );
}

/**
 * A deleted run still opens (links to it keep working until it is removed for good), but says so plainly and offers
 * to bring it back; the server decides whether that is allowed and its refusal is shown as written.
 */
function DeletedNotice({
  runId,
  role,
  onRestored,
}: {
  runId: string;
  role: RoleName | null | undefined;
  onRestored: () => void;
}) {
  const mayRestore = roleAllows(role ?? null, 'manage');
  const [state, setState] = useState<{ busy: boolean; error?: Error }>({ busy: false });
  const restore = async () => {
    setState({ busy: true });
    try {
      await api.restoreRun(runId);
      setState({ busy: false });
      onRestored();
    } catch (error) {
      setState({ busy: false, error: error instanceof Error ? error : new Error(String(error)) });
    }
  };
  return (
    <div className="notice notice-deleted" role="status" data-testid="run-deleted">
      <strong>This run is deleted.</strong> It is hidden from its experiment's runs and searches, and cannot be changed;
      it can be restored until it is removed for good.{' '}
      <button
        type="button"
        onClick={restore}
        disabled={state.busy || !mayRestore}
        title={mayRestore ? undefined : `Restoring a run needs the ${ROLE_FOR.manage} role on its experiment`}
      >
        {state.busy ? 'Restoring…' : 'Restore run'}
      </button>
      {state.error && <ErrorMessage error={state.error} />}
    </div>
  );
}

function Overview({
  run,
  role,
  onChanged,
  openChart,
}: {
  run: Run;
  role: RoleName | null | undefined;
  onChanged: () => void;
  openChart: () => void;
}) {
  const end = run.endTime ?? (run.status === 'RUNNING' ? Date.now() : null);
  const commit = run.tags[SOURCE_TAGS.gitCommit];
  const tags = Object.entries(run.tags).filter(([k]) => !isHiddenTag(k) && !isEnvironmentTag(k));
  const environment = Object.entries(run.tags).filter(([k]) => isEnvironmentTag(k));
  const facts: [string, React.ReactNode][] = [
    ['Status', <StatusBadge key="s" status={run.status} />],
    ['Started', formatTime(run.startTime)],
    ['Duration', end === null ? '—' : formatDuration(end - run.startTime)],
    ['User', run.userId || run.tags[SOURCE_TAGS.user] || '—'],
    ['Source', run.tags[SOURCE_TAGS.sourceName] ?? '—'],
    [
      'Git commit',
      commit ? (
        <span key="c" className="mono" title={commit}>
          {commit.slice(0, 12)}
        </span>
      ) : (
        '—'
      ),
    ],
    ['Seed', seedOf(run) ?? '—'],
    [
      'Run ID',
      <span key="id" className="mono">
        {run.runId}
      </span>,
    ],
  ];
  if (run.parentRunId) {
    facts.push([
      'Parent run',
      <Link
        key="p"
        to={`/experiments/${encodeURIComponent(run.experimentId)}/runs/${encodeURIComponent(run.parentRunId)}`}
      >
        {run.parentRunId}
      </Link>,
    ]);
  }
  return (
    <div className="overview">
      <dl className="facts" data-testid="run-facts">
        {facts.map(([label, value]) => (
          <div key={label}>
            <dt>{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      <section>
        <h2>Notes</h2>
        <NotesEditor
          runId={run.runId}
          content={run.tags[SOURCE_TAGS.notes] ?? ''}
          editable={run.lifecycleStage === 'active' && roleAllows(role ?? null, 'edit')}
          onSaved={onChanged}
        />
      </section>
      <CommentsPanel subject={{ kind: 'run', runId: run.runId }} />
      <div className="two-columns">
        <section>
          <h2>Parameters ({Object.keys(run.params).length})</h2>
          <KeyValueTable entries={Object.entries(run.params)} empty="No parameters logged." testId="params" />
        </section>
        <section>
          <h2>Metrics ({run.metrics.length})</h2>
          {run.metrics.length === 0 ? (
            <p className="muted">No metrics logged.</p>
          ) : (
            <table className="data-table compact" data-testid="metrics">
              <thead>
                <tr>
                  <th>Metric</th>
                  <th className="num">Latest</th>
                  <th className="num">Step</th>
                  <th>History</th>
                </tr>
              </thead>
              <tbody>
                {run.metrics.map((m) => (
                  <tr key={m.key} className="clickable" onClick={openChart}>
                    <td className="mono">{m.key}</td>
                    <td className="num">{formatNumber(fromWireNumber(m.value))}</td>
                    <td className="num muted">{m.step}</td>
                    <td>
                      <Sparkline runId={run.runId} metricKey={m.key} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      </div>
      <div className="two-columns">
        <section>
          <h2>Tags ({tags.length})</h2>
          {run.lifecycleStage === 'active' && roleAllows(role ?? null, 'edit') ? (
            <TagEditor
              entries={tags}
              testId="tags"
              onSet={async (key, value) => {
                await api.setTags(run.runId, { [key]: value });
                onChanged();
              }}
              onRemove={async (key) => {
                await api.deleteTag(run.runId, key);
                onChanged();
              }}
            />
          ) : (
            <KeyValueTable entries={tags} empty="No tags." testId="tags" />
          )}
        </section>
        <section>
          <h2>Environment</h2>
          <KeyValueTable entries={environment} empty="No environment recorded for this run." testId="environment" />
        </section>
      </div>
      <RunDatasets run={run} />
      <RunModels run={run} />
    </div>
  );
}

/**
 * What the run read and wrote: datasets logged as MLflow inputs, and those the lineage graph links to the run
 * (OpenLineage events report both inputs and outputs there, and log no MLflow inputs).
 */
function RunDatasets({ run }: { run: Run }) {
  const lineage = useApiQuery(
    queryKeys.runLineage(
      run.runId,
      run.inputs.map((d) => d.digest),
    ),
    (signal) => runLineageDatasets(run.runId, run.inputs, signal),
  );
  const fromGraph = lineage.data ?? { inputs: [], outputs: [] };
  const inputCount = run.inputs.length + fromGraph.inputs.length;
  return (
    <>
      <section data-testid="run-inputs" aria-busy={lineage.loading}>
        <h2>Inputs ({inputCount})</h2>
        {inputCount === 0 ? (
          <p className="muted">{lineage.loading ? 'Loading…' : 'No datasets logged as inputs.'}</p>
        ) : (
          <table className="data-table compact" data-testid="inputs">
            <thead>
              <tr>
                <th>Dataset</th>
                <th>Digest / version</th>
                <th>Context</th>
                <th>Source</th>
              </tr>
            </thead>
            <tbody>
              {run.inputs.map((d) => (
                <tr key={`${d.name}-${d.digest}`}>
                  <td>{d.name}</td>
                  <td className="mono">{d.digest}</td>
                  <td>{d.tags?.['mlflow.data.context'] ?? '—'}</td>
                  <td className="mono small clamp" title={d.source}>
                    {d.sourceType}: {d.source}
                  </td>
                </tr>
              ))}
              {fromGraph.inputs.map((d) => (
                <LineageDatasetRow key={d.nodeId} dataset={d} />
              ))}
            </tbody>
          </table>
        )}
      </section>
      {fromGraph.outputs.length > 0 && (
        <section>
          <h2>Outputs ({fromGraph.outputs.length})</h2>
          <table className="data-table compact" data-testid="outputs">
            <thead>
              <tr>
                <th>Dataset</th>
                <th>Digest / version</th>
                <th>Context</th>
                <th>Source</th>
              </tr>
            </thead>
            <tbody>
              {fromGraph.outputs.map((d) => (
                <LineageDatasetRow key={d.nodeId} dataset={d} />
              ))}
            </tbody>
          </table>
        </section>
      )}
      {lineage.error && <ErrorMessage error={lineage.error} onRetry={lineage.reload} />}
    </>
  );
}

function LineageDatasetRow({ dataset }: { dataset: LineageDataset }) {
  return (
    <tr data-node-id={dataset.nodeId}>
      <td className="clamp" title={dataset.name}>
        {dataset.name}
      </td>
      <td className="mono clamp" title={dataset.digest ?? dataset.version}>
        {dataset.digest ?? dataset.version}
      </td>
      <td>{dataset.context ?? '—'}</td>
      <td className="mono small clamp" title={dataset.uri}>
        {dataset.uri || '—'}
      </td>
    </tr>
  );
}

function RunCharts({ run }: { run: Run }) {
  const keys = useMemo(() => splitSystemMetrics(run.metrics.map((m) => m.key)), [run.metrics]);
  if (keys.model.length + keys.system.length === 0) {
    return (
      <Empty title="This run has no metrics">
        <p>
          Log one with <code>mlflow.log_metric("loss", 0.42, step=1)</code>.
        </p>
      </Empty>
    );
  }
  const chartRun = [
    {
      runId: run.runId,
      label: run.runName,
      color: colorFor(0),
      startTime: run.startTime,
      running: run.status === 'RUNNING',
    },
  ];
  return (
    <div>
      {keys.model.length > 0 && (
        <MetricChartPanel metricKeys={keys.model} runs={chartRun} initiallyShown={6} testId="model-metrics" />
      )}
      {keys.system.length > 0 && (
        <section className="system-metrics">
          <h2>System metrics ({keys.system.length})</h2>
          <MetricChartPanel
            metricKeys={keys.system}
            runs={chartRun}
            initiallyShown={6}
            param="system"
            controls={keys.model.length === 0}
            testId="system-metrics"
          />
        </section>
      )}
    </div>
  );
}
