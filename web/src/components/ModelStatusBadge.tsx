import type { LoggedModel } from '../api/types.js';

/** The words a LoggedModel status reads as: MLflow's names carry a LOGGED_MODEL_ prefix that says nothing here. */
export function modelStatusLabel(status: LoggedModel['status']): string {
  return status
    .replace(/^LOGGED_MODEL_/, '')
    .replace(/_/g, ' ')
    .toLowerCase();
}

/** A LoggedModel's status: ready (its files are complete), pending (still uploading) or upload failed. */
export function ModelStatusBadge({ status }: { status: LoggedModel['status'] }) {
  const label = modelStatusLabel(status);
  return (
    <span className={`badge model-status-${label.replace(/ /g, '-')}`} data-testid="model-status" title={status}>
      {label}
    </span>
  );
}
