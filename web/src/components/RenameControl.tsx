import { useState } from 'react';

export interface RenameControlProps {
  /** What is renamed, for the button and field labels ("run", "experiment"). */
  noun: string;
  current: string;
  /** False when the signed-in user's role does not allow renaming; the button is then disabled and says why. */
  allowed: boolean;
  deniedReason: string;
  onRename: (name: string) => Promise<unknown>;
}

/**
 * A Rename button that turns into a name field in place. The server checks the new name (length, uniqueness of an
 * experiment's name) and its refusal is shown beside the field as written, which keeps the rules in one place.
 */
export function RenameControl({ noun, current, allowed, deniedReason, onRename }: RenameControlProps) {
  const [draft, setDraft] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  if (draft === null) {
    return (
      <button
        type="button"
        disabled={!allowed}
        title={allowed ? `Rename this ${noun}` : deniedReason}
        onClick={() => {
          setError(undefined);
          setDraft(current);
        }}
      >
        Rename
      </button>
    );
  }
  const save = async () => {
    const name = draft.trim();
    if (name === '' || name === current) {
      setDraft(null);
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      await onRename(name);
      setDraft(null);
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : String(caught));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form
      className="inline-form"
      onSubmit={(event) => {
        event.preventDefault();
        void save();
      }}
    >
      <input
        aria-label={`New ${noun} name`}
        value={draft}
        // biome-ignore lint/a11y/noAutofocus: the field appears because the user asked to rename; typing goes there
        autoFocus
        onChange={(event) => setDraft(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === 'Escape') setDraft(null);
        }}
      />
      <button type="submit" className="primary" disabled={busy}>
        {busy ? 'Saving…' : 'Save'}
      </button>
      <button type="button" onClick={() => setDraft(null)} disabled={busy}>
        Cancel
      </button>
      {error && (
        <span className="form-error" role="alert">
          {error}
        </span>
      )}
    </form>
  );
}
