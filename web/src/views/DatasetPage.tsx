import { Link, useParams } from 'react-router-dom';
import { lineageApi } from '../api/lineage-client.js';
import { ROLE_FOR, roleAllows, useEffectiveRole } from '../api/session.js';
import { CommentsPanel } from '../components/CommentsPanel.js';
import { OwnersPanel } from '../components/OwnersPanel.js';
import { Empty, ErrorMessage, Loading } from '../components/states.js';
import { formatNumber, formatTime } from '../lib/format.js';
import { useApiQuery } from '../lib/use-api-query.js';

/**
 * A dataset (`/datasets/<namespace>:<name>`): who owns it, its versions newest first, each opening its place in the
 * lineage graph, and the conversation about it. Owners are changed by those who may register its versions.
 */
export function DatasetPage() {
  const dataset = useParams().dataset ?? '';
  const versions = useApiQuery(['dataset-versions', dataset], (signal) => lineageApi.datasetVersions(dataset, signal));
  const role = useEffectiveRole('dataset', dataset);

  if (versions.error) {
    return (
      <div className="page">
        <ErrorMessage error={versions.error} onRetry={versions.reload} />
      </div>
    );
  }
  const list = versions.data?.datasetVersions;
  const newestFirst = list ? [...list].sort((a, b) => b.createdTime - a.createdTime) : undefined;
  return (
    <div className="page">
      <div className="page-header">
        <div>
          <div className="crumbs">
            <Link to="/lineage">Lineage</Link> / dataset
          </div>
          <h1 data-testid="dataset-name">{dataset}</h1>
        </div>
      </div>
      {/* Asked once the dataset was read, so a dataset the user may not read shows one refusal, not two. */}
      {list && (
        <OwnersPanel
          subject={{ kind: 'dataset', dataset }}
          editable={roleAllows(role ?? null, 'edit')}
          deniedReason={`Needs the ${ROLE_FOR.edit} role on this dataset`}
        />
      )}
      <section>
        <h2>Versions{newestFirst ? ` (${newestFirst.length})` : ''}</h2>
        {!newestFirst ? (
          <Loading />
        ) : newestFirst.length === 0 ? (
          <Empty title="No versions yet">
            <p>Versions appear here as runs and pipelines register them.</p>
          </Empty>
        ) : (
          <table className="data-table compact" data-testid="dataset-versions">
            <thead>
              <tr>
                <th>Version</th>
                <th>Registered</th>
                <th className="num">Rows</th>
                <th>Location</th>
              </tr>
            </thead>
            <tbody>
              {newestFirst.map((v) => (
                <tr key={v.versionId}>
                  <td>
                    <Link to={`/lineage?node=${encodeURIComponent(v.nodeId)}`}>{v.version}</Link>
                    {v.drift && <span className="badge badge-deleted">{v.drift.status}</span>}
                  </td>
                  <td>{formatTime(v.createdTime)}</td>
                  <td className="num">{v.rowCount === null ? '—' : formatNumber(v.rowCount)}</td>
                  <td className="mono muted">{v.uri ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <CommentsPanel subject={{ kind: 'dataset', dataset }} />
    </div>
  );
}
