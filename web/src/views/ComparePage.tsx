import { useMemo, useRef } from 'react';
import { Link } from 'react-router-dom';
import { api } from '../api/client.js';
import type { Run } from '../api/types.js';
import { colorFor } from '../charts/chart-data.js';
import { MetricChartPanel } from '../charts/MetricChartPanel.js';
import { ParallelCoordinates } from '../charts/ParallelCoordinates.js';
import { ScatterPlot } from '../charts/ScatterPlot.js';
import { RunDiff } from '../components/RunDiff.js';
import { StatusBadge } from '../components/StatusBadge.js';
import { Empty, ErrorMessage, Loading } from '../components/states.js';
import { toNumber } from '../lib/metric-value.js';
import { varies } from '../lib/parallel-axes.js';
import { useQueryList, useQueryState } from '../lib/url-state.js';
import { useAsync } from '../lib/use-async.js';
import { useWidth } from '../lib/use-width.js';

const MAX_PARALLEL_PARAMS = 8;

/** Several runs side by side: overlaid metric charts, parallel coordinates, a scatter of any two values and a diff. */
export function ComparePage() {
  const [runIds, setRunIds] = useQueryList('runs');
  const runs = useAsync(
    async (signal) => Promise.all(runIds.map((id) => api.run(id, signal).then((r) => r.run))),
    [runIds.join(',')],
  );

  if (runIds.length === 0) {
    return (
      <div className="page">
        <h1>Compare runs</h1>
        <Empty title="No runs chosen">
          <p>
            Open an <Link to="/">experiment</Link>, tick the runs you want side by side (or press <kbd>x</kbd> on each),
            then press <strong>Compare</strong>.
          </p>
        </Empty>
      </div>
    );
  }
  if (runs.error) {
    return (
      <div className="page">
        <h1>Compare runs</h1>
        <ErrorMessage error={runs.error} onRetry={runs.reload} />
      </div>
    );
  }
  if (!runs.data) return <Loading label="Loading runs…" />;
  return <Comparison runs={runs.data} onRemove={(id) => setRunIds(runIds.filter((r) => r !== id))} />;
}

function Comparison({ runs, onRemove }: { runs: Run[]; onRemove: (runId: string) => void }) {
  const colored = runs.map((run, i) => ({ run, color: colorFor(i) }));
  const metricKeys = useMemo(() => [...new Set(runs.flatMap((r) => r.metrics.map((m) => m.key)))].sort(), [runs]);
  const paramKeys = useMemo(() => [...new Set(runs.flatMap((r) => Object.keys(r.params)))].sort(), [runs]);
  const [pcMetric, setPcMetric] = useQueryState('pc', metricKeys[0] ?? '');
  const fields = [...paramKeys.map((k) => `params.${k}`), ...metricKeys.map((k) => `metrics.${k}`)];
  const [sx, setSx] = useQueryState('sx', paramKeys[0] ? `params.${paramKeys[0]}` : (fields[0] ?? ''));
  const [sy, setSy] = useQueryState('sy', metricKeys[0] ? `metrics.${metricKeys[0]}` : (fields[1] ?? ''));
  const plots = useRef<HTMLDivElement>(null);
  const width = useWidth(plots);
  const fieldValue = (run: Run, field: string): string | number | null => {
    if (field.startsWith('params.')) return run.params[field.slice(7)] ?? null;
    if (field.startsWith('metrics.')) {
      const metric = run.metrics.find((m) => m.key === field.slice(8));
      return metric ? toNumber(metric.value) : null;
    }
    return null;
  };
  const chartRuns = colored.map(({ run, color }) => ({
    runId: run.runId,
    label: run.runName || run.runId,
    color,
    startTime: run.startTime,
    running: run.status === 'RUNNING',
  }));
  const pcParams = paramKeys.filter((k) => varies(runs.map((r) => r.params[k] ?? null))).slice(0, MAX_PARALLEL_PARAMS);
  const pcAxes = [...pcParams.map((k) => `params.${k}`), ...(pcMetric ? [`metrics.${pcMetric}`] : [])];
  const labelOf = (field: string) => field.slice(field.indexOf('.') + 1);

  return (
    <div className="page page-wide">
      <div className="page-header">
        <h1>Compare {runs.length} runs</h1>
      </div>
      <ul className="run-legend" data-testid="compare-runs">
        {colored.map(({ run, color }) => (
          <li key={run.runId}>
            <span className="swatch" style={{ background: color }} />
            <Link to={`/experiments/${encodeURIComponent(run.experimentId)}/runs/${encodeURIComponent(run.runId)}`}>
              {run.runName || run.runId}
            </Link>
            <StatusBadge status={run.status} />
            <button
              type="button"
              className="ghost small"
              aria-label={`Remove ${run.runName}`}
              onClick={() => onRemove(run.runId)}
            >
              ×
            </button>
          </li>
        ))}
      </ul>

      <section>
        <h2>Metrics</h2>
        {metricKeys.length === 0 ? (
          <p className="muted">These runs have no metrics.</p>
        ) : (
          <MetricChartPanel metricKeys={metricKeys} runs={chartRuns} initiallyShown={4} />
        )}
      </section>

      <div ref={plots}>
        <section>
          <div className="section-header">
            <h2>Parameters vs metric</h2>
            <select
              aria-label="Parallel coordinates metric"
              value={pcMetric}
              onChange={(e) => setPcMetric(e.target.value)}
            >
              {metricKeys.map((k) => (
                <option key={k} value={k}>
                  {k}
                </option>
              ))}
            </select>
          </div>
          <ParallelCoordinates
            runs={colored.map(({ run, color }) => ({
              runId: run.runId,
              label: run.runName,
              color,
              values: Object.fromEntries(pcAxes.map((a) => [a, fieldValue(run, a)])),
            }))}
            axes={pcAxes}
            labels={Object.fromEntries(pcAxes.map((a) => [a, labelOf(a)]))}
            width={width}
          />
        </section>
        <section>
          <div className="section-header">
            <h2>Scatter</h2>
            <select aria-label="Scatter x" value={sx} onChange={(e) => setSx(e.target.value)}>
              {fields.map((f) => (
                <option key={f} value={f}>
                  x: {f}
                </option>
              ))}
            </select>
            <select aria-label="Scatter y" value={sy} onChange={(e) => setSy(e.target.value)}>
              {fields.map((f) => (
                <option key={f} value={f}>
                  y: {f}
                </option>
              ))}
            </select>
          </div>
          {fields.length === 0 ? (
            <p className="muted">These runs have no params or metrics to plot.</p>
          ) : (
            <ScatterPlot
              runs={colored.map(({ run, color }) => ({
                runId: run.runId,
                label: run.runName,
                color,
                x: fieldValue(run, sx),
                y: fieldValue(run, sy),
              }))}
              xLabel={labelOf(sx)}
              yLabel={labelOf(sy)}
              width={Math.min(width, 720)}
            />
          )}
        </section>
      </div>

      <section>
        <h2>Differences</h2>
        <RunDiff runs={colored} />
      </section>
    </div>
  );
}
