import { Link } from 'react-router-dom';
import type { AnomalyFlag, FailedCheck, TeamDashboard } from '../../api/types.js';
import { formatNumber, formatTime } from '../../lib/format.js';
import { versionPagePath } from '../registry/registry-paths.js';

/**
 * The tables an experiment's dashboard and a team's share. A team's rows come from several experiments and name
 * theirs (`experimentName`), which adds an Experiment column; every row links to the run or version behind it.
 */
type Located<T> = T & { experimentId: string; experimentName?: string };

export const experimentDashboardPath = (experimentId: string) =>
  `/experiments/${encodeURIComponent(experimentId)}/dashboard`;

export const runPath = (experimentId: string, runId: string) =>
  `/experiments/${encodeURIComponent(experimentId)}/runs/${encodeURIComponent(runId)}`;

/** Flags as a table; a team's flags come from several experiments, so they show which. */
export function AnomalyTable({ flags }: { flags: Located<AnomalyFlag>[] }) {
  const showExperiment = flags.some((f) => f.experimentName !== undefined);
  return (
    <table className="data-table" data-testid="anomaly-table">
      <thead>
        <tr>
          {showExperiment && <th>Experiment</th>}
          <th>Run</th>
          <th>Metric</th>
          <th className="num">Value</th>
          <th className="num">Median</th>
          <th className="num">MAD</th>
          <th className="num">Robust z</th>
          <th className="num">Threshold</th>
          <th>Started</th>
        </tr>
      </thead>
      <tbody>
        {flags.map((f) => (
          <tr key={`${f.runId}/${f.metric}`} data-run-id={f.runId} data-metric={f.metric}>
            {showExperiment && (
              <td>
                <Link to={experimentDashboardPath(f.experimentId)}>{f.experimentName}</Link>
              </td>
            )}
            <td>
              <Link to={runPath(f.experimentId, f.runId)} className="anomaly-run">
                {f.runName || f.runId}
              </Link>
            </td>
            <td>{f.metric}</td>
            <td className="num">{formatNumber(f.value)}</td>
            <td className="num">{formatNumber(f.median)}</td>
            <td
              className="num"
              title={
                f.basis === 'mean_absolute_deviation' ? 'MAD was 0: scored by the mean absolute deviation' : undefined
              }
            >
              {formatNumber(f.mad)}
            </td>
            <td
              className="num strong"
              title={f.z === null ? 'Every earlier value was the same; this one differs' : undefined}
            >
              {f.z === null ? '∞' : formatNumber(Number(f.z.toFixed(2)))}
            </td>
            <td className="num">{formatNumber(f.threshold)}</td>
            <td>{formatTime(f.startTime)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

const CHECK_LABEL: Record<FailedCheck['kind'], string> = {
  fairness: 'Fairness',
  drift: 'Drift',
  data_quality: 'Data quality',
  completeness: 'Completeness',
};

export function FailedCheckTable({ checks }: { checks: Located<FailedCheck>[] }) {
  const showExperiment = checks.some((c) => c.experimentName !== undefined);
  return (
    <table className="data-table">
      <thead>
        <tr>
          <th>Kind</th>
          <th>Check</th>
          {showExperiment && <th>Experiment</th>}
          <th>Run</th>
          <th>Model version</th>
          <th className="num">Value</th>
          <th className="num">Threshold</th>
          <th>Detail</th>
        </tr>
      </thead>
      <tbody>
        {checks.map((c) => (
          <tr key={c.checkId ?? `${c.kind}/${c.runId}`} data-kind={c.kind}>
            <td>
              <span className="badge badge-incomplete">{CHECK_LABEL[c.kind]}</span>
            </td>
            <td>{c.name}</td>
            {showExperiment && <td>{c.experimentName}</td>}
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
            <td className="num">{formatNumber(c.value)}</td>
            <td className="num">{formatNumber(c.threshold)}</td>
            <td className="small">{[c.slice && `slice ${c.slice}`, c.detail].filter(Boolean).join(' · ') || '—'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Who started what; `filterLink` turns a user into the runs they started, where the page can show them. */
export function RunsByUserTable({
  runsByUser,
  filterLink,
}: {
  runsByUser: TeamDashboard['runsByUser'];
  filterLink?: (userId: string) => string;
}) {
  return (
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
          {runsByUser.map((u) => (
            <tr key={u.userId}>
              <td>{filterLink ? <Link to={filterLink(u.userId)}>{u.userId || '—'}</Link> : u.userId || '—'}</td>
              <td className="num">{u.runs}</td>
              <td className="num">{u.finished}</td>
              <td className="num">{u.failed}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/** Metadata completeness per UTC day: how many of the runs judged that day met their requirements. */
export function CompletenessTable({ days }: { days: TeamDashboard['completeness'] }) {
  return (
    <section data-testid="completeness">
      <h2>Metadata completeness over time</h2>
      {days.length === 0 ? (
        <p className="muted">No run has been judged against requirements.</p>
      ) : (
        <table className="data-table">
          <thead>
            <tr>
              <th>Day (UTC)</th>
              <th className="num">Complete</th>
              <th>Share</th>
            </tr>
          </thead>
          <tbody>
            {days.map((d) => (
              <tr key={d.day}>
                <td>{new Date(d.day).toISOString().slice(0, 10)}</td>
                <td className="num">
                  {d.complete} / {d.judged}
                </td>
                <td>
                  <span className="share-bar" title={`${Math.round(d.share * 100)}%`}>
                    <span style={{ width: `${Math.round(d.share * 100)}%` }} />
                  </span>{' '}
                  {Math.round(d.share * 100)}%
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
