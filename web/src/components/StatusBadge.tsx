import type { RunStatus } from '../api/types.js';

export function StatusBadge({ status }: { status: RunStatus | string }) {
  return (
    <span className={`badge status-${status.toLowerCase()}`}>
      {status === 'RUNNING' && <span className="pulse" aria-hidden="true" />}
      {status.toLowerCase()}
    </span>
  );
}
