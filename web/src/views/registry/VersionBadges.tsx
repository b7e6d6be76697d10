import { Link } from 'react-router-dom';
import type { StatusTarget, VersionStatus } from '../../api/types.js';
import { targetLabel } from '../governance/PolicyResults.js';
import { versionEvidencePath } from './registry-paths.js';

/**
 * The flags and badges of one row of a model's versions table. Each links to the section of the version page that
 * holds its evidence: the revalidation cause, the metadata fields missing, the policy rules, the transition request.
 */
export function VersionBadges({ name, status }: { name: string; status: VersionStatus }) {
  const at = (section: Parameters<typeof versionEvidencePath>[2]) => versionEvidencePath(name, status.version, section);
  const flags = status.revalidation.flags;
  return (
    <div className="version-badges">
      {status.revalidation.needed && (
        <Link
          className="badge badge-failed"
          to={at('revalidation')}
          title={flags.map((f) => f.cause.description).join('\n')}
          data-testid="badge-revalidation"
        >
          needs revalidation
        </Link>
      )}
      {status.policies.map((p) => (
        <Link
          key={targetLabel(p.target)}
          className={`badge ${p.passed ? 'badge-ok' : 'badge-failed'}`}
          to={at('policies')}
          title={
            p.policies === 0
              ? `No policy governs ${targetLabel(p.target)}`
              : p.passed
                ? `${p.policies} policies on ${targetLabel(p.target)} pass`
                : `Failed: ${p.failedRules.join(', ')}`
          }
          data-testid="badge-policy"
          data-passed={String(p.passed)}
        >
          {p.passed ? '✓' : '✗'} {shortTarget(p.target)}
        </Link>
      ))}
      {status.approval && (
        <Link
          className={`badge ${approvalClass(status.approval.status)}`}
          to={at('requests')}
          title={`Request to move onto ${targetLabel(status.approval.target)}: ${status.approval.approvals}/${
            status.approval.requiredApprovals
          } approvals`}
          data-testid="badge-approval"
          data-status={status.approval.status}
        >
          {status.approval.status === 'pending'
            ? `pending ${status.approval.approvals}/${status.approval.requiredApprovals}`
            : status.approval.status}{' '}
          → {shortTarget(status.approval.target)}
        </Link>
      )}
    </div>
  );
}

/** A metadata completeness score as a percentage, linking to the fields still missing. */
export function CompletenessBadge({ name, status }: { name: string; status: VersionStatus }) {
  const { score, expected, missing } = status.completeness;
  const percent = Math.round(score * 100);
  return (
    <Link
      className={`badge ${score === 1 ? 'badge-ok' : 'badge-incomplete'}`}
      to={versionEvidencePath(name, status.version, 'completeness')}
      title={
        expected === 0
          ? 'No metadata schema expects anything of this version'
          : missing.length === 0
            ? `All ${expected} expected fields present`
            : `Missing: ${missing.map((m) => m.path).join(', ')}`
      }
      data-testid="badge-completeness"
    >
      {percent}%
    </Link>
  );
}

/** A target as a badge names it: the stage itself, or the alias with its @. */
const shortTarget = (target: StatusTarget) => (target.stage !== undefined ? target.stage : `@${target.alias}`);

function approvalClass(status: NonNullable<VersionStatus['approval']>['status']): string {
  if (status === 'approved' || status === 'overridden') return 'badge-ok';
  if (status === 'rejected') return 'badge-failed';
  return 'badge-incomplete';
}
