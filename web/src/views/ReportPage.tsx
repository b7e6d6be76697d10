import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { api } from '../api/client.js';
import { queryKeys } from '../api/queries.js';
import {
  type ReportBlockInput,
  type ReportBlockView,
  type ReportView,
  reportApi,
  reportInput,
  reportKeys,
} from '../api/report-client.js';
import { ROLE_FOR, roleAllows, useEffectiveRole } from '../api/session.js';
import { colorFor } from '../charts/chart-data.js';
import { MetricChart } from '../charts/MetricChart.js';
import { ConfirmButton } from '../components/ConfirmButton.js';
import { LazyMarkdown } from '../components/LazyMarkdown.js';
import { StatusBadge } from '../components/StatusBadge.js';
import { ErrorMessage, Loading } from '../components/states.js';
import { formatNumber } from '../lib/format.js';
import { useApiQuery } from '../lib/use-api-query.js';

const CHART_OPTIONS = { xAxis: 'step', smoothing: 0, logScale: false } as const;
/** A runs block shows this many metrics as columns; the rest are on each run's page. */
const METRIC_COLUMNS = 6;

const runPath = (run: { experimentId: string; runId: string }) =>
  `/experiments/${encodeURIComponent(run.experimentId)}/runs/${encodeURIComponent(run.runId)}`;

/**
 * A report at its own URL, read again from live data each time it opens: notes as Markdown, runs as a table, charts
 * drawn like the experiment's charts. Runs its reader may not see are left out and counted. Editors add notes and
 * charts, move and remove blocks; each change saves the report whole.
 */
export function ReportPage() {
  const { experimentId = '', reportId = '' } = useParams();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const report = useApiQuery(reportKeys.one(experimentId, reportId), (signal) =>
    reportApi.get(experimentId, reportId, signal),
  );
  const experiment = useApiQuery(queryKeys.experiment(experimentId), (signal) => api.experiment(experimentId, signal));
  const mayEdit = roleAllows(useEffectiveRole('experiment', experimentId) ?? null, 'edit');
  const [error, setError] = useState<Error | undefined>();

  const save = async (view: ReportView, change: (blocks: ReportBlockInput[]) => ReportBlockInput[]) => {
    setError(undefined);
    try {
      const saved = await reportApi.save(experimentId, reportId, reportInput(view, change));
      queryClient.setQueryData(reportKeys.one(experimentId, reportId), saved);
      void queryClient.invalidateQueries({ queryKey: reportKeys.list(experimentId) });
    } catch (e) {
      setError(e as Error);
    }
  };

  if (report.error) return <ErrorMessage error={report.error} onRetry={report.reload} />;
  if (!report.data) return <Loading />;
  const view = report.data.report;
  const move = (from: number, to: number) =>
    save(view, (blocks) => {
      const next = [...blocks];
      const [moved] = next.splice(from, 1);
      next.splice(to, 0, moved!);
      return next;
    });

  return (
    <div className="page" data-testid="report-page">
      <div className="page-header">
        <div>
          <div className="crumbs">
            <Link to="/">Experiments</Link> /{' '}
            <Link to={`/experiments/${encodeURIComponent(experimentId)}/reports`}>
              {experiment.data?.experiment.name ?? '…'} reports
            </Link>{' '}
            /
          </div>
          <h1 data-testid="report-title">{view.title}</h1>
          <p className="muted">
            Last changed {new Date(view.updatedAt).toLocaleString()} by {view.updatedBy}. Values are read when the page
            opens.
          </p>
        </div>
        <span className="spacer" />
        <ConfirmButton
          label="Delete report"
          question="Delete this report? Its notes go with it; the runs stay."
          confirmLabel="Delete"
          danger
          allowed={mayEdit}
          deniedReason={`Needs the ${ROLE_FOR.edit} role on this experiment`}
          testId="delete-report"
          onConfirm={async () => {
            await reportApi.delete(experimentId, reportId);
            void queryClient.invalidateQueries({ queryKey: reportKeys.list(experimentId) });
            navigate(`/experiments/${encodeURIComponent(experimentId)}/reports`);
          }}
        />
      </div>
      {error && <ErrorMessage error={error} />}
      {view.blocks.length === 0 && (
        <p className="muted">
          This report is empty.{' '}
          {mayEdit && 'Add a note below, or select runs on the experiment page and pin them to this report.'}
        </p>
      )}
      {view.blocks.map((block, i) => (
        // Blocks have no ids of their own: a block is its place in the report.
        // biome-ignore lint/suspicious/noArrayIndexKey: see above
        <section key={i} className="report-block" data-testid={`report-block-${block.kind}`}>
          {mayEdit && (
            <div className="report-block-tools">
              <button type="button" disabled={i === 0} onClick={() => move(i, i - 1)} aria-label="Move up">
                ↑
              </button>
              <button
                type="button"
                disabled={i === view.blocks.length - 1}
                onClick={() => move(i, i + 1)}
                aria-label="Move down"
              >
                ↓
              </button>
              <button
                type="button"
                onClick={() => save(view, (blocks) => blocks.filter((_, j) => j !== i))}
                aria-label="Remove block"
              >
                Remove
              </button>
            </div>
          )}
          <ReportBlock block={block} />
        </section>
      ))}
      {mayEdit && <AddBlocks view={view} experimentId={experimentId} onAdd={(b) => save(view, (bs) => [...bs, b])} />}
    </div>
  );
}

function HiddenRuns({ count }: { count: number }) {
  if (count === 0) return null;
  return (
    <p className="muted" data-testid="hidden-runs">
      {count} pinned {count === 1 ? 'run is' : 'runs are'} not shown: deleted, or not visible to you.
    </p>
  );
}

function ReportBlock({ block }: { block: ReportBlockView }) {
  if (block.kind === 'note') return <LazyMarkdown source={block.markdown} />;
  if (block.kind === 'chart') {
    const runs = block.runs.map((r, i) => ({
      runId: r.runId,
      label: r.runName || r.runId,
      color: colorFor(i),
      startTime: 0,
      running: false,
    }));
    return (
      <>
        {runs.length > 0 ? (
          <MetricChart metricKey={block.metricKey} runs={runs} options={CHART_OPTIONS} />
        ) : (
          <h3>{block.metricKey}</h3>
        )}
        <HiddenRuns count={block.hiddenRuns} />
      </>
    );
  }
  const keys = [...new Set(block.runs.flatMap((r) => Object.keys(r.metrics)))].sort().slice(0, METRIC_COLUMNS);
  return (
    <>
      <table className="data-table compact" data-testid="report-runs">
        <thead>
          <tr>
            <th>Run</th>
            <th>Status</th>
            {keys.map((k) => (
              <th key={k}>{k}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {block.runs.map((run) => (
            <tr key={run.runId}>
              <td>
                <Link to={runPath(run)}>{run.runName || run.runId}</Link>
              </td>
              <td>
                <StatusBadge status={run.status} />
              </td>
              {keys.map((k) => (
                <td key={k} className="num">
                  {run.metrics[k] === undefined ? '' : formatNumber(run.metrics[k])}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      <HiddenRuns count={block.hiddenRuns} />
    </>
  );
}

/**
 * Forms to add a note, or a chart of one of the experiment's metrics over runs already in the report (runs join a
 * report from the experiment's runs table, "Pin to report").
 */
function AddBlocks({
  view,
  experimentId,
  onAdd,
}: {
  view: ReportView;
  experimentId: string;
  onAdd: (block: ReportBlockInput) => Promise<void>;
}) {
  const keys = useApiQuery(queryKeys.experimentKeys(experimentId), (signal) => api.keys(experimentId, signal));
  const [note, setNote] = useState('');
  const [metricKey, setMetricKey] = useState('');
  const [chosen, setChosen] = useState<Set<string>>(new Set());
  const pinned = new Map(
    view.blocks.flatMap((b) => (b.kind === 'note' ? [] : b.runs.map((r) => [r.runId, r.runName] as const))),
  );

  const addNote = async (event: FormEvent) => {
    event.preventDefault();
    await onAdd({ kind: 'note', markdown: note });
    setNote('');
  };
  const addChart = async (event: FormEvent) => {
    event.preventDefault();
    await onAdd({ kind: 'chart', metricKey, runIds: [...chosen] });
    setChosen(new Set());
  };
  const toggle = (runId: string) => {
    const next = new Set(chosen);
    if (next.has(runId)) next.delete(runId);
    else next.add(runId);
    setChosen(next);
  };

  return (
    <section className="report-add" data-testid="report-add">
      <h2>Add to this report</h2>
      <form onSubmit={addNote}>
        <textarea
          aria-label="Note"
          placeholder="A note, in Markdown"
          rows={4}
          value={note}
          onChange={(e) => setNote(e.target.value)}
          data-testid="report-note-input"
        />
        <button type="submit" disabled={note.trim() === ''} data-testid="add-note">
          Add note
        </button>
      </form>
      <form onSubmit={addChart}>
        <select
          aria-label="Metric"
          value={metricKey}
          onChange={(e) => setMetricKey(e.target.value)}
          data-testid="report-chart-metric"
        >
          <option value="">Chart a metric…</option>
          {(keys.data?.metrics ?? []).map((k) => (
            <option key={k} value={k}>
              {k}
            </option>
          ))}
        </select>
        {pinned.size === 0 ? (
          <span className="muted"> Pin runs to this report to chart them.</span>
        ) : (
          [...pinned].map(([runId, name]) => (
            <label key={runId} className="report-run-choice">
              <input type="checkbox" checked={chosen.has(runId)} onChange={() => toggle(runId)} />
              {name || runId}
            </label>
          ))
        )}
        <button type="submit" disabled={metricKey === '' || chosen.size === 0} data-testid="add-chart">
          Add chart
        </button>
      </form>
    </section>
  );
}
