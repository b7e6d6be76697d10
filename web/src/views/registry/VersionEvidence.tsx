import { Link } from 'react-router-dom';
import { governanceApi, governanceKeys } from '../../api/governance-client.js';
import { registryApi, registryKeys } from '../../api/registry-client.js';
import type { ModelVersion } from '../../api/types.js';
import { ErrorMessage, Loading } from '../../components/states.js';
import { formatTime } from '../../lib/format.js';
import { lineagePath } from '../../lib/lineage/lineage-path.js';
import { useApiQuery } from '../../lib/use-api-query.js';
import { useScrollToHash } from '../../lib/use-scroll-to-hash.js';
import { targetLabel } from '../governance/PolicyResults.js';
import { versionSectionId } from './registry-paths.js';

/**
 * Why the version must be revalidated: each open flag's cause and the lineage path from what changed to the version.
 * What the reader may not read is named only as hidden (the server's doing).
 */
export function VersionRevalidation({ version: v }: { version: ModelVersion }) {
  const id = versionSectionId('revalidation');
  const targeted = useScrollToHash(id, true);
  const flags = v.revalidationFlags ?? [];
  return (
    <section id={id} className={targeted ? 'evidence-target' : undefined} data-testid={id}>
      <h2>Revalidation</h2>
      {flags.length === 0 ? (
        <p className="muted">Not flagged: nothing it was trained on has changed since.</p>
      ) : (
        <ul className="plain-list">
          {flags.map((flag) => (
            <li key={flag.id} data-testid="revalidation-flag">
              <span className="badge badge-failed">{flag.cause.kind.replaceAll('_', ' ')}</span>{' '}
              <span data-testid="revalidation-cause">{flag.cause.description}</span>{' '}
              <span className="muted small">since {formatTime(flag.raisedTime)}</span>
              {flag.cause.upstreamNodeId !== 'hidden' && (
                <>
                  {' '}
                  <Link to={lineagePath(flag.cause.upstreamNodeId)}>{flag.cause.upstreamLabel} in lineage</Link>
                </>
              )}
              {flag.path.length > 0 && (
                <ol className="small muted">
                  {flag.path.map((step) => (
                    <li key={`${step.from}-${step.type}-${step.to}`}>
                      <code>{step.from}</code> —{step.type}→ <code>{step.to}</code>
                    </li>
                  ))}
                </ol>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** How complete the version's metadata is against its schema, and which expected fields it still lacks. */
export function VersionCompleteness({ version: v }: { version: ModelVersion }) {
  const id = versionSectionId('completeness');
  const status = useApiQuery(registryKeys.versionStatus(v.name, [v.version]), (signal) =>
    registryApi.versionStatus(v.name, [v.version], signal),
  );
  const targeted = useScrollToHash(id, Boolean(status.data));
  const completeness = status.data?.versions[0]?.completeness;
  return (
    <section id={id} className={targeted ? 'evidence-target' : undefined} data-testid={id}>
      <h2>Metadata completeness</h2>
      {status.error ? (
        <ErrorMessage error={status.error} onRetry={status.reload} />
      ) : !completeness ? (
        <Loading />
      ) : completeness.schema === null ? (
        <p className="muted">No metadata schema governs versions of {v.name}: nothing is expected.</p>
      ) : (
        <>
          <p>
            <strong data-testid="completeness-score">{Math.round(completeness.score * 100)}%</strong>{' '}
            <span className="muted">
              ({completeness.present} of {completeness.expected} expected fields, schema {completeness.schema.subject} v
              {completeness.schema.version})
            </span>
          </p>
          {completeness.missing.length > 0 && (
            <ul className="plain-list">
              {completeness.missing.map((m) => (
                <li key={m.path} data-testid="completeness-missing">
                  <code>{m.path}</code> <span className="muted small">{m.level}</span>
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </section>
  );
}

/** Every request to move the version onto a protected stage or alias, with where each stands. */
export function VersionRequests({ version: v }: { version: ModelVersion }) {
  const id = versionSectionId('requests');
  const requests = useApiQuery(governanceKeys.versionRequests(v.name, v.version), (signal) =>
    governanceApi.versionRequests(v.name, v.version, signal),
  );
  const targeted = useScrollToHash(id, Boolean(requests.data));
  return (
    <section id={id} className={targeted ? 'evidence-target' : undefined} data-testid={id}>
      <h2>Transition requests</h2>
      {requests.error ? (
        <ErrorMessage error={requests.error} onRetry={requests.reload} />
      ) : !requests.data ? (
        <Loading />
      ) : requests.data.transitionRequests.length === 0 ? (
        <p className="muted">No request has been made for this version.</p>
      ) : (
        <ul className="plain-list">
          {requests.data.transitionRequests.map((r) => (
            <li key={r.id} id={`request-${r.id}`} data-testid="version-request" data-status={r.status}>
              <span className="badge">{r.status}</span> → {targetLabel(r)} by <strong>{r.requester}</strong>{' '}
              {formatTime(r.creationTime)}: approvals {r.approvedBy.length}/{r.requiredApprovals}
              {r.approvedBy.length > 0 && <span className="muted"> ({r.approvedBy.join(', ')})</span>}
              {r.reason && <span className="muted"> — {r.reason}</span>}
              {r.decidedBy && (
                <span className="muted">
                  {' '}
                  · decided by {r.decidedBy}
                  {r.decisionComment ? `: ${r.decisionComment}` : ''}
                </span>
              )}
              {r.status === 'pending' && (
                <>
                  {' '}
                  <Link to="/requests">Review in requests</Link>
                </>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
