import type { ReactNode } from 'react';
import { ApiError } from '../api/client.js';

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <div className="state state-loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      {label}
    </div>
  );
}

/** An API failure, shown with the server's own message and, when it makes sense, a way to try again. */
export function ErrorMessage({ error, onRetry }: { error: Error; onRetry?: () => void }) {
  const code = error instanceof ApiError ? error.code : 'ERROR';
  const forbidden = error instanceof ApiError && error.status === 403;
  return (
    <div className="state state-error" role="alert" data-testid={forbidden ? 'permission-denied' : undefined}>
      <strong>{title(error)}</strong>
      {forbidden && <p>Ask an administrator, or whoever manages it, to grant you a role on it.</p>}
      <p>{error.message}</p>
      <p className="muted small">
        <code>{code}</code>
      </p>
      {onRetry && !forbidden && (
        <button type="button" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}

function title(error: Error): string {
  if (!(error instanceof ApiError)) return 'Something went wrong';
  if (error.status === 404) return 'Not found';
  if (error.status === 403) return "You don't have permission to see this";
  if (error.status === 401) return 'Sign in to see this';
  if (error.status === 0) return 'Server unreachable';
  if (error.status >= 400 && error.status < 500) return 'The request was refused';
  return 'The server failed';
}

export function Empty({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="state state-empty">
      <strong>{title}</strong>
      {children}
    </div>
  );
}
