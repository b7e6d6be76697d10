import { useMemo, useRef } from 'react';
import { Link } from 'react-router-dom';
import { fromWireNumber } from '../../../src/sdk/wire/non-finite.js';
import { api } from '../api/client.js';
import { queryKeys } from '../api/queries.js';
import type { Run } from '../api/types.js';
import { colorFor } from '../charts/chart-data.js';
import { MetricChartPanel } from '../charts/MetricChartPanel.js';
import { ParallelCoordinates } from '../charts/ParallelCoordinates.js';
import { ScatterPlot } from '../charts/ScatterPlot.js';
import { AddRunsPicker } from '../components/AddRunsPicker.js';
import { RunDiff } from '../components/RunDiff.js';
import { StatusBadge } from '../components/StatusBadge.js';
import { Empty, ErrorMessage, Loading } from '../components/states.js';
import { varies } from '../lib/parallel-axes.js';
import { useQueryList, useQueryState } from '../lib/url-state.js';
import { useApiQuery } from '../lib/use-api-query.js';
import { useWidth } from '../lib/use-width.js';

const MAX_PARALLEL_PARAMS = 8;
/** Runs one comparison shows: beyond this, lines, legends and the diff's columns are no longer readable. */
export const MAX_COMPARED_RUNS = 100;
/** Runs overlaid on each metric chart; each costs a history request per chart, and more lines become a blur. */
const MAX_CHARTED_RUNS = 20;

/** Several runs side by side: overlaid metric charts, parallel coordinates, a scatter of any two values and a diff. */
export function ComparePage() {
  const [runIds, setRunIds] = useQueryList('runs', [], { history: 'push' });
  const unique = useMemo(() => [...new Set(runIds)], [runIds]);
  const compared = unique.slice(0, MAX_COMPARED_RUNS);
  // One request for all of them: a request per run overwhelms the browser when hundreds are chosen.
  const runs = useApiQuery(
    queryKeys.runsById(compared),
    async (signal) => (compared.length === 0 ? { runs: [], missing: [] } : api.runs(compared, signal)),
    // Adding or removing a run keeps the comparison on screen until the new set arrives.
    { keepPrevious: true },
  );
  const remove = (id: string) => setRunIds(runIds.filter((r) => r !== id));
  const add = (id: string) => setRunIds([...unique.filter((r) => r !== id), id]);

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
  return (
    <Comparison
      runs={runs.data.runs}
      missing={runs.data.missing}
      chosen={unique.length}
      onRemove={remove}
      onAdd={add}
      onKeepShown={() => setRunIds(compared)}
    />
  );
}

function Comparison({
  runs,
  missing,
  chosen,
  onRemove,
  onAdd,
  onKeepShown,
}: {
  runs: Run[];
  missing: string[];
  chosen: number;
  onRemove: (runId: string) => void;
  onAdd: (runId: string) => void;
  onKeepShown: () => void;
}) {
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
      return metric ? fromWireNumber(metric.value) : null;
    }
    return null;
  };
  const chartRuns = colored.slice(0, MAX_CHARTED_RUNS).map(({ run, color }) => ({
    runId: run.runId,
    label: run.runName || run.runId,
    color,
    startTime: run.startTime,
    running: run.status === 'RUNNING',
    params: run.params,
  }));
  const pcParams = paramKeys.filter((k) => varies(runs.map((r) => r.params[k] ?? null))).slice(0, MAX_PARALLEL_PARAMS);
  const pcAxes = [...pcParams.map((k) => `params.${k}`), ...(pcMetric ? [`metrics.${pcMetric}`] : [])];
  const labelOf = (field: string) => field.slice(field.indexOf('.') + 1);

  return (
    <div className="page page-wide">
      <div className="page-header">
        <h1>
          Compare {runs.length} {runs.length === 1 ? 'run' : 'runs'}
        </h1>
        <span className="spacer" />
        <AddRunsPicker
          experimentIds={[...new Set(runs.map((r) => r.experimentId))]}
          exclude={new Set(runs.map((r) => r.runId))}
          onAdd={onAdd}
          disabled={runs.length >= MAX_COMPARED_RUNS}
        />
      </div>
      {chosen > MAX_COMPARED_RUNS && (
        <div className="notice" role="status" data-testid="compare-cap">
          {chosen.toLocaleString()} runs were chosen; showing the first {MAX_COMPARED_RUNS}, the most a comparison can
          show readably. Narrow the selection (a filter in the experiment helps) to compare others.{' '}
          <button type="button" className="link-button" onClick={onKeepShown}>
            Keep only these {MAX_COMPARED_RUNS}
          </button>
        </div>
      )}
      {missing.length > 0 && (
        <div className="notice" role="status" data-testid="compare-missing">
          {missing.length === 1 ? 'One run' : `${missing.length} runs`} of this link could not be found (deleted for
          good, or a mistyped id):{' '}
          {missing.map((id) => (
            <span key={id} className="missing-run">
              <code>{id}</code>
              <button
                type="button"
                className="ghost small"
                aria-label={`Remove ${id} from the comparison`}
                onClick={() => onRemove(id)}
              >
                ×
              </button>
            </span>
          ))}
        </div>
      )}
      {runs.length === 0 && <Empty title="None of the chosen runs exists" />}
      <ul className="run-legend" data-testid="compare-runs">
        {colored.map(({ run, color }) => (
          <li key={run.runId}>
            <span className="swatch" style={{ background: color }} />
            <Link
              to={`/experiments/${encodeURIComponent(run.experimentId)}/runs/${encodeURIComponent(run.runId)}`}
              title={run.runName || run.runId}
            >
              {run.runName || run.runId}
            </Link>
            <StatusBadge status={run.status} />
            <button
              type="button"
              className="ghost small"
              aria-label={`Remove ${run.runName || run.runId}`}
              onClick={() => onRemove(run.runId)}
            >
              ×
            </button>
          </li>
        ))}
      </ul>

      <section>
        <h2>Metrics</h2>
        {runs.length > MAX_CHARTED_RUNS && (
          <p className="muted small" data-testid="chart-cap">
            Charts overlay the first {MAX_CHARTED_RUNS} of these {runs.length} runs.
          </p>
        )}
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
