import { type FormEvent, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { api } from '../api/client.js';
import { queryKeys } from '../api/queries.js';
import { reportApi, reportKeys } from '../api/report-client.js';
import { ROLE_FOR, roleAllows, useEffectiveRole } from '../api/session.js';
import { ExperimentTabs } from '../components/ExperimentTabs.js';
import { Empty, ErrorMessage, Loading } from '../components/states.js';
import { useApiQuery } from '../lib/use-api-query.js';

/** An experiment's reports, newest change first, and — for its editors — a form to start one. */
export function ReportsPage() {
  const { experimentId = '' } = useParams();
  const navigate = useNavigate();
  const experiment = useApiQuery(queryKeys.experiment(experimentId), (signal) => api.experiment(experimentId, signal));
  const reports = useApiQuery(reportKeys.list(experimentId), (signal) => reportApi.list(experimentId, signal));
  const mayEdit = roleAllows(useEffectiveRole('experiment', experimentId) ?? null, 'edit');
  const [title, setTitle] = useState('');
  const [error, setError] = useState<Error | undefined>();

  const create = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    try {
      const { report } = await reportApi.create(experimentId, { title, blocks: [] });
      navigate(`/experiments/${encodeURIComponent(experimentId)}/reports/${encodeURIComponent(report.id)}`);
    } catch (e) {
      setError(e as Error);
    }
  };

  return (
    <div className="page">
      <div className="page-header">
        <div>
          <div className="crumbs">
            <Link to="/">Experiments</Link> /
          </div>
          <h1>{experiment.data?.experiment.name ?? '…'}</h1>
        </div>
      </div>
      <ExperimentTabs experimentId={experimentId} />
      <section data-testid="reports">
        {mayEdit ? (
          <form className="inline-form" onSubmit={create}>
            <input
              aria-label="Report title"
              placeholder="New report title"
              value={title}
              onChange={(e) => setTitle(e.target.value)}
              data-testid="new-report-title"
            />
            <button type="submit" className="primary" data-testid="create-report">
              New report
            </button>
          </form>
        ) : (
          <p className="muted">{`Writing reports needs the ${ROLE_FOR.edit} role on this experiment.`}</p>
        )}
        {error && <ErrorMessage error={error} />}
        {reports.error ? (
          <ErrorMessage error={reports.error} onRetry={reports.reload} />
        ) : !reports.data ? (
          <Loading />
        ) : reports.data.reports.length === 0 ? (
          <Empty title="No reports yet">
            A report pins notes, runs and charts on one page that always shows their latest values.
          </Empty>
        ) : (
          <table className="data-table compact">
            <thead>
              <tr>
                <th>Report</th>
                <th>Blocks</th>
                <th>Last changed</th>
              </tr>
            </thead>
            <tbody>
              {reports.data.reports.map((r) => (
                <tr key={r.id}>
                  <td>
                    <Link to={`/experiments/${encodeURIComponent(experimentId)}/reports/${encodeURIComponent(r.id)}`}>
                      {r.title}
                    </Link>
                  </td>
                  <td>{r.blockCount}</td>
                  <td>
                    {new Date(r.updatedAt).toLocaleString()} by {r.updatedBy}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </div>
  );
}
