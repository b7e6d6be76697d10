import { useState } from 'react';
import { Link } from 'react-router-dom';
import { governanceApi, governanceKeys, type TransitionRequest } from '../../api/governance-client.js';
import { Empty, ErrorMessage, Loading } from '../../components/states.js';
import { formatTime } from '../../lib/format.js';
import { useAction } from '../../lib/use-action.js';
import { useApiQuery } from '../../lib/use-api-query.js';
import { versionPagePath } from '../registry/registry-paths.js';
import { PolicyResults, targetLabel } from './PolicyResults.js';

/**
 * The approval inbox: pending transition requests on models the caller can read, each with what it asks for, the
 * approvals so far, the policy results it would meet, and the approve, reject and comment actions. Whether the caller
 * may decide is the server's call (team, role, separation of duties); its refusal is shown as it wrote it.
 */
export function RequestsPage() {
  const requests = useApiQuery(governanceKeys.requests('pending'), (signal) =>
    governanceApi.requests('pending', signal),
  );
  return (
    <div className="page">
      <div className="page-header">
        <h1>Transition requests</h1>
      </div>
      {requests.error ? (
        <ErrorMessage error={requests.error} onRetry={requests.reload} />
      ) : !requests.data ? (
        <Loading label="Loading requests…" />
      ) : requests.data.transitionRequests.length === 0 ? (
        <Empty title="No pending requests">
          <p>Requests to move a version onto a protected stage or alias wait here for approval.</p>
        </Empty>
      ) : (
        <div data-testid="requests">
          {requests.data.transitionRequests.map((r) => (
            <RequestCard key={r.id} request={r} />
          ))}
        </div>
      )}
    </div>
  );
}

function RequestCard({ request: r }: { request: TransitionRequest }) {
  const [comment, setComment] = useState('');
  const target = r.stage !== undefined ? { stage: r.stage } : { alias: r.alias ?? '' };
  const invalidates = [governanceKeys.requests('pending'), ['model', r.name]];
  const decide = useAction(async (kind: 'approve' | 'reject' | 'comment') => {
    if (kind === 'approve') await governanceApi.approve(r.id, comment.trim() || undefined);
    else await governanceApi[kind](r.id, comment.trim());
    setComment('');
  }, invalidates);
  const needsComment = comment.trim() === '';
  return (
    <section className="request-card" data-testid="request" data-request-id={r.id}>
      <h2>
        <Link to={versionPagePath(r.name, r.version)}>
          {r.name} v{r.version}
        </Link>{' '}
        → {targetLabel(r)}
      </h2>
      <p>
        Requested by <strong data-testid="request-requester">{r.requester}</strong> {formatTime(r.creationTime)}
        {r.reason && (
          <>
            : <q data-testid="request-reason">{r.reason}</q>
          </>
        )}
      </p>
      <p data-testid="request-approvals">
        Approvals {r.approvedBy.length}/{r.requiredApprovals}
        {r.approvedBy.length > 0 && <span className="muted"> ({r.approvedBy.join(', ')})</span>}
        {r.requiredTeams.length > 0 && <span className="muted"> · from teams {r.requiredTeams.join(', ')}</span>}
        <span className="muted"> · expires {formatTime(r.expiryTime)}</span>
      </p>
      <PolicyResults name={r.name} version={r.version} target={target} />
      {r.activity.some((a) => a.comment) && (
        <ul className="small">
          {r.activity
            .filter((a) => a.comment)
            .map((a) => (
              <li key={a.id}>
                <strong>{a.actor}</strong> ({a.kind}): {a.comment}
              </li>
            ))}
        </ul>
      )}
      <textarea
        aria-label="Comment"
        placeholder="Comment (needed to reject)"
        value={comment}
        onChange={(e) => setComment(e.target.value)}
      />
      <div className="request-actions">
        <button type="button" className="primary" disabled={decide.busy} onClick={() => void decide.run('approve')}>
          Approve
        </button>
        <button type="button" disabled={decide.busy || needsComment} onClick={() => void decide.run('reject')}>
          Reject
        </button>
        <button type="button" disabled={decide.busy || needsComment} onClick={() => void decide.run('comment')}>
          Comment
        </button>
      </div>
      {decide.error && (
        <p className="form-error" role="alert" data-testid="request-error">
          {decide.error}
        </p>
      )}
    </section>
  );
}
