import { Link, useParams } from 'react-router-dom';
import { teamDashboard } from '../api/dashboard-client.js';
import { queryKeys } from '../api/queries.js';
import type { TeamDashboard } from '../api/types.js';
import { TrendChart } from '../charts/TrendChart.js';
import { Empty, ErrorMessage, Loading } from '../components/states.js';
import { formatNumber, formatTime } from '../lib/format.js';
import { useQueryState } from '../lib/url-state.js';
import { useApiQuery } from '../lib/use-api-query.js';
import { LineageTrendPanel, ValidationCoveragePanel } from './dashboard/LineageCoveragePanels.js';
import { modelPath, versionPagePath } from './registry/registry-paths.js';

const runPath = (experimentId: string, runId: string) =>
  `/experiments/${encodeURIComponent(experimentId)}/runs/${encodeURIComponent(runId)}`;
const experimentDashboardPath = (experimentId: string) => `/experiments/${encodeURIComponent(experimentId)}/dashboard`;

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
          <table className="data-table" data-testid="anomaly-table">
            <thead>
              <tr>
                <th>Experiment</th>
                <th>Run</th>
                <th>Metric</th>
                <th className="num">Value</th>
                <th className="num">Median</th>
                <th className="num">MAD</th>
                <th className="num">Robust z</th>
                <th>Started</th>
              </tr>
            </thead>
            <tbody>
              {data.anomalies.map((f) => (
                <tr key={`${f.runId}/${f.metric}`} data-run-id={f.runId} data-metric={f.metric}>
                  <td>
                    <Link to={experimentDashboardPath(f.experimentId)}>{f.experimentName}</Link>
                  </td>
                  <td>
                    <Link to={runPath(f.experimentId, f.runId)} className="anomaly-run">
                      {f.runName || f.runId}
                    </Link>
                  </td>
                  <td>{f.metric}</td>
                  <td className="num">{formatNumber(f.value)}</td>
                  <td className="num">{formatNumber(f.median)}</td>
                  <td className="num">{formatNumber(f.mad)}</td>
                  <td className="num strong">{f.z === null ? '∞' : formatNumber(Number(f.z.toFixed(2)))}</td>
                  <td>{formatTime(f.startTime)}</td>
                </tr>
              ))}
            </tbody>
          </table>
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
          <table className="data-table">
            <thead>
              <tr>
                <th>Kind</th>
                <th>Check</th>
                <th>Experiment</th>
                <th>Run</th>
                <th>Model version</th>
                <th>Detail</th>
              </tr>
            </thead>
            <tbody>
              {data.failedChecks.map((c) => (
                <tr key={c.checkId ?? `${c.kind}/${c.runId}`} data-kind={c.kind}>
                  <td>
                    <span className="badge badge-incomplete">{c.kind.replace('_', ' ')}</span>
                  </td>
                  <td>{c.name}</td>
                  <td>{c.experimentName}</td>
                  <td>
                    <Link to={runPath(c.experimentId, c.runId)}>{c.runId.slice(0, 8)}</Link>
                  </td>
                  <td>
                    {c.modelName !== null && c.version !== null ? (
                      <Link to={versionPagePath(c.modelName, c.version)}>
                        {c.modelName} v{c.version}
                      </Link>
                    ) : (
                      '—'
                    )}
                  </td>
                  <td className="small">
                    {[c.slice && `slice ${c.slice}`, c.detail].filter(Boolean).join(' · ') || '—'}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <LineageTrendPanel lineage={data.lineage} />
      <ValidationCoveragePanel coverage={data.validationCoverage} />
      <div className="two-columns">
        <section data-testid="completeness">
          <h2>Metadata completeness over time</h2>
          {data.completeness.length === 0 ? (
            <p className="muted">No run has been judged against requirements.</p>
          ) : (
            <table className="data-table">
              <thead>
                <tr>
                  <th>Day (UTC)</th>
                  <th className="num">Complete</th>
                  <th className="num">Share</th>
                </tr>
              </thead>
              <tbody>
                {data.completeness.map((d) => (
                  <tr key={d.day}>
                    <td>{new Date(d.day).toISOString().slice(0, 10)}</td>
                    <td className="num">
                      {d.complete} / {d.judged}
                    </td>
                    <td className="num">{Math.round(d.share * 100)}%</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
        <section data-testid="runs-by-user">
          <h2>Who started what</h2>
          <table className="data-table">
            <thead>
              <tr>
                <th>User</th>
                <th className="num">Runs</th>
                <th className="num">Finished</th>
                <th className="num">Failed</th>
              </tr>
            </thead>
            <tbody>
              {data.runsByUser.map((u) => (
                <tr key={u.userId}>
                  <td>{u.userId || '—'}</td>
                  <td className="num">{u.runs}</td>
                  <td className="num">{u.finished}</td>
                  <td className="num">{u.failed}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      </div>
    </>
  );
}
