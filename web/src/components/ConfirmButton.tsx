import { useState } from 'react';

export interface ConfirmButtonProps {
  label: string;
  /** The question asked before acting, saying what will happen and whether it can be undone. */
  question: string;
  confirmLabel: string;
  allowed: boolean;
  deniedReason: string;
  disabled?: boolean;
  danger?: boolean;
  testId?: string;
  onConfirm: () => Promise<unknown>;
}

/**
 * A button for a change worth a second look (deleting runs or an experiment): the first click asks, in place, and
 * only the second acts. The server's refusal is shown as written.
 */
export function ConfirmButton(props: ConfirmButtonProps) {
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const act = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await props.onConfirm();
      setAsking(false);
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : String(caught));
    } finally {
      setBusy(false);
    }
  };
  if (!asking) {
    return (
      <>
        <button
          type="button"
          className={props.danger ? 'danger' : undefined}
          disabled={!props.allowed || props.disabled}
          title={props.allowed ? undefined : props.deniedReason}
          onClick={() => {
            setError(undefined);
            setAsking(true);
          }}
          data-testid={props.testId}
        >
          {props.label}
        </button>
        {error && (
          <span className="form-error" role="alert">
            {error}
          </span>
        )}
      </>
    );
  }
  return (
    <span className="inline-form">
      <span>{props.question}</span>
      <button
        type="button"
        className={props.danger ? 'danger' : 'primary'}
        disabled={busy}
        onClick={() => void act()}
        data-testid={props.testId ? `${props.testId}-confirm` : undefined}
      >
        {busy ? 'Working…' : props.confirmLabel}
      </button>
      <button type="button" disabled={busy} onClick={() => setAsking(false)}>
        Cancel
      </button>
      {error && (
        <span className="form-error" role="alert">
          {error}
        </span>
      )}
    </span>
  );
}
