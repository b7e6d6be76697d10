import { Link, useParams } from 'react-router-dom';
import { teamDashboard } from '../api/dashboard-client.js';
import { queryKeys } from '../api/queries.js';
import type { TeamDashboard } from '../api/types.js';
import { TrendChart } from '../charts/TrendChart.js';
import { Empty, ErrorMessage, Loading } from '../components/states.js';
import { formatNumber } from '../lib/format.js';
import { useQueryState } from '../lib/url-state.js';
import { useApiQuery } from '../lib/use-api-query.js';
import {
  AnomalyTable,
  CompletenessTable,
  experimentDashboardPath,
  FailedCheckTable,
  RunsByUserTable,
} from './dashboard/DashboardTables.js';
import { LineageTrendPanel, ValidationCoveragePanel } from './dashboard/LineageCoveragePanels.js';
import { modelPath } from './registry/registry-paths.js';

/**
 * A team at a glance: the experiments it manages and the models it owns, with anomalies judged within each
 * experiment, failed checks, completeness, lineage, validation coverage and who started what. The server leaves out
 * whatever the reader may not see, so every count here is one the reader can follow to its evidence.
 */
export function TeamDashboardPage() {
  const { team = '' } = useParams();
  const [window] = useQueryState('window', '');
  const [z] = useQueryState('z', '');
  const dashboard = useApiQuery(
    queryKeys.teamDashboard(team, window, z),
    (signal) =>
      teamDashboard(
        team,
        { metrics: [], window: window ? Number(window) : undefined, z: z ? Number(z) : undefined },
        signal,
      ),
    { keepPrevious: true },
  );
  const data = dashboard.data;
  return (
    <div className="page page-wide dashboard-page">
      <div className="page-header">
        <div>
          <div className="crumbs">Teams /</div>
          <h1 data-testid="team-name">{team}</h1>
        </div>
      </div>
      {dashboard.error ? (
        <ErrorMessage error={dashboard.error} onRetry={dashboard.reload} />
      ) : !data ? (
        <Loading label="Computing the team's dashboard…" />
      ) : data.experiments.length === 0 && data.models.length === 0 ? (
        <Empty title="This team manages no experiment and owns no model you can see" />
      ) : (
        <TeamDashboardBody data={data} />
      )}
    </div>
  );
}

function TeamDashboardBody({ data }: { data: TeamDashboard }) {
  const flagged = (experimentId: string, metric: string) =>
    new Set(data.anomalies.filter((a) => a.experimentId === experimentId && a.metric === metric).map((a) => a.runId));
  return (
    <>
      {data.truncated && (
        <p className="notice">Showing the first {data.maxExperiments} experiments by name; the rest are left out.</p>
      )}
      <div className="two-columns">
        <section data-testid="team-experiments">
          <h2>Experiments</h2>
          <table className="data-table">
            <thead>
              <tr>
                <th>Experiment</th>
                <th className="num">Runs</th>
                <th className="num">Anomalies</th>
                <th className="num">Failed checks</th>
              </tr>
            </thead>
            <tbody>
              {data.experiments.map((e) => (
                <tr key={e.experimentId} data-experiment-id={e.experimentId}>
                  <td>
                    <Link to={experimentDashboardPath(e.experimentId)}>{e.name}</Link>
                  </td>
                  <td className="num">
                    {e.runCount}
                    {e.truncated ? '+' : ''}
                  </td>
                  <td className="num">{e.anomalies}</td>
                  <td className="num">{e.failedChecks}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
        <section data-testid="team-models">
          <h2>Models</h2>
          {data.models.length === 0 ? (
            <p className="muted">The team owns no registered model you can see.</p>
          ) : (
            <ul className="evidence-list">
              {data.models.map((m) => (
                <li key={m.name}>
                  <Link to={modelPath(m.name)}>{m.name}</Link>{' '}
                  <span className="muted small">
                    {m.versions} version{m.versions === 1 ? '' : 's'}
                  </span>
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>
      <section data-testid="anomalies">
        <div className="section-header">
          <h2>Anomalies</h2>
          <span className="muted small" data-testid="anomaly-threshold">
            A run is flagged when its robust z-score exceeds {formatNumber(data.threshold)} against the median and MAD
            of the previous {data.window} finished runs of its own experiment (judged once {data.minHistory} exist).
          </span>
        </div>
        {data.anomalies.length === 0 ? (
          <p className="muted">No run lies outside its experiment's recent distribution.</p>
        ) : (
          <AnomalyTable flags={data.anomalies} />
        )}
      </section>
      <section>
        <h2>Trends</h2>
        <div className="chart-grid">
          {data.metrics.map((trend) => (
            <figure className="chart" key={`${trend.experimentId}/${trend.key}`} data-testid={`trend-${trend.key}`}>
              <figcaption>
                <span className="chart-title">
                  {trend.experimentName} · {trend.key}
                </span>
                <span className="muted small">{trend.points.length} runs</span>
              </figcaption>
              <TrendChart
                experimentId={trend.experimentId}
                trend={trend}
                flagged={flagged(trend.experimentId, trend.key)}
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
          <FailedCheckTable checks={data.failedChecks} />
        )}
      </section>
      <LineageTrendPanel lineage={data.lineage} />
      <ValidationCoveragePanel coverage={data.validationCoverage} />
      <div className="two-columns">
        <CompletenessTable days={data.completeness} />
        <RunsByUserTable runsByUser={data.runsByUser} />
      </div>
    </>
  );
}
