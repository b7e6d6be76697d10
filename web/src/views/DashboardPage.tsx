import { type FormEvent, useMemo, useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { api } from '../api/client.js';
import { experimentDashboard } from '../api/dashboard-client.js';
import { queryKeys } from '../api/queries.js';
import type { ExperimentDashboard } from '../api/types.js';
import { TrendChart } from '../charts/TrendChart.js';
import { ExperimentTabs } from '../components/ExperimentTabs.js';
import { Empty, ErrorMessage, Loading } from '../components/states.js';
import { formatNumber } from '../lib/format.js';
import { useQueryList, useQueryState } from '../lib/url-state.js';
import { useApiQuery } from '../lib/use-api-query.js';
import { AnomalyTable, CompletenessTable, FailedCheckTable, RunsByUserTable } from './dashboard/DashboardTables.js';
import { LineageTrendPanel, ValidationCoveragePanel } from './dashboard/LineageCoveragePanels.js';

const push = { history: 'push' } as const;

/**
 * An experiment at a glance: metric trends across runs, runs flagged as anomalies (with the median, MAD and score
 * that flagged them), failed checks, completeness over time and who started what. The server computes all of it;
 * every flag and check links to the run or model version behind it.
 */
export function DashboardPage() {
  const { experimentId = '' } = useParams();
  const [metrics, setMetrics] = useQueryList('metrics', [], push);
  const [window, setWindow] = useQueryState('window', '', push);
  const [z, setZ] = useQueryState('z', '', push);
  const experiment = useApiQuery(queryKeys.experiment(experimentId), (signal) => api.experiment(experimentId, signal));
  const dashboard = useApiQuery(
    queryKeys.experimentDashboard(experimentId, metrics, window, z),
    (signal) =>
      experimentDashboard(
        experimentId,
        { metrics, window: window ? Number(window) : undefined, z: z ? Number(z) : undefined },
        signal,
      ),
    { keepPrevious: true },
  );
  const data = dashboard.data;

  return (
    <div className="page page-wide dashboard-page">
      <div className="page-header">
        <div>
          <div className="crumbs">
            <Link to="/">Experiments</Link> /
          </div>
          <h1>{experiment.data?.experiment.name ?? '…'}</h1>
        </div>
      </div>
      <ExperimentTabs experimentId={experimentId} />
      <DashboardControls
        // Filled again once the server has named its defaults (the most-logged metrics, window and threshold).
        key={`${metrics.join(',')}|${window}|${z}|${data ? 'answered' : ''}`}
        metrics={data && metrics.length === 0 ? data.metrics.map((m) => m.key) : metrics}
        window={window || (data ? String(data.window) : '')}
        z={z || (data ? String(data.threshold) : '')}
        onApply={(next) => {
          setMetrics(next.metrics);
          setWindow(next.window);
          setZ(next.z);
        }}
      />
      {dashboard.error ? (
        <ErrorMessage error={dashboard.error} onRetry={dashboard.reload} />
      ) : !data ? (
        <Loading label="Computing the dashboard…" />
      ) : data.runCount === 0 ? (
        <Empty title="No runs in this experiment yet" />
      ) : (
        <DashboardBody experimentId={experimentId} data={data} />
      )}
    </div>
  );
}

function DashboardControls(props: {
  metrics: string[];
  window: string;
  z: string;
  onApply: (next: { metrics: string[]; window: string; z: string }) => void;
}) {
  const [metrics, setMetrics] = useState(props.metrics.join(', '));
  const [window, setWindow] = useState(props.window);
  const [z, setZ] = useState(props.z);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    props.onApply({
      metrics: metrics
        .split(',')
        .map((m) => m.trim())
        .filter(Boolean),
      window: window.trim(),
      z: z.trim(),
    });
  };
  return (
    <form className="toolbar dashboard-controls" onSubmit={submit}>
      <label>
        Metrics{' '}
        <input value={metrics} onChange={(e) => setMetrics(e.target.value)} placeholder="most logged" size={40} />
      </label>
      <label>
        Window (runs) <input value={window} onChange={(e) => setWindow(e.target.value)} inputMode="numeric" size={5} />
      </label>
      <label>
        Threshold |z| &gt; <input value={z} onChange={(e) => setZ(e.target.value)} inputMode="decimal" size={5} />
      </label>
      <button type="submit" className="primary">
        Apply
      </button>
    </form>
  );
}

function DashboardBody({ experimentId, data }: { experimentId: string; data: ExperimentDashboard }) {
  const flaggedByMetric = useMemo(() => {
    const map = new Map<string, Set<string>>();
    for (const flag of data.anomalies) {
      const set = map.get(flag.metric) ?? new Set<string>();
      set.add(flag.runId);
      map.set(flag.metric, set);
    }
    return map;
  }, [data.anomalies]);
  return (
    <>
      {data.truncated && (
        <p className="notice">
          Showing the newest {data.maxRuns.toLocaleString()} runs; older runs are left out of every panel.
        </p>
      )}
      <section data-testid="anomalies">
        <div className="section-header">
          <h2>Anomalies</h2>
          <span className="muted small" data-testid="anomaly-threshold">
            A run is flagged when its robust z-score exceeds {formatNumber(data.threshold)} against the median and MAD
            of the previous {data.window} finished runs (judged once {data.minHistory} exist).
          </span>
        </div>
        {data.anomalies.length === 0 ? (
          <p className="muted">No run lies outside the recent distribution.</p>
        ) : (
          <AnomalyTable flags={data.anomalies.map((flag) => ({ ...flag, experimentId }))} />
        )}
      </section>
      <section>
        <h2>Trends</h2>
        <div className="chart-grid">
          {data.metrics.map((trend) => (
            <figure className="chart" key={trend.key} data-testid={`trend-${trend.key}`}>
              <figcaption>
                <span className="chart-title">{trend.key}</span>
                <span className="muted small">{trend.points.length} runs</span>
              </figcaption>
              <TrendChart
                experimentId={experimentId}
                trend={trend}
                flagged={flaggedByMetric.get(trend.key) ?? new Set()}
              />
            </figure>
          ))}
        </div>
      </section>
      <section data-testid="failed-checks">
        <h2>Failed checks</h2>
        {data.failedChecks.length === 0 ? (
          <p className="muted">No failed drift, fairness, data-quality or completeness check.</p>
        ) : (
          <FailedCheckTable checks={data.failedChecks.map((check) => ({ ...check, experimentId }))} />
        )}
      </section>
      <LineageTrendPanel lineage={data.lineage} />
      <ValidationCoveragePanel coverage={data.validationCoverage} />
      <div className="two-columns">
        <CompletenessTable days={data.completeness} />
        <RunsByUserTable
          runsByUser={data.runsByUser}
          filterLink={(userId) =>
            `/experiments/${encodeURIComponent(experimentId)}?filter=${encodeURIComponent(`attributes.user_id = '${userId.replaceAll("'", "\\'")}'`)}`
          }
        />
      </div>
    </>
  );
}
