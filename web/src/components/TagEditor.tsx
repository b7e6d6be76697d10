import { useState } from 'react';

export interface TagEditorProps {
  entries: [string, string][];
  onSet: (key: string, value: string) => Promise<unknown>;
  onRemove: (key: string) => Promise<unknown>;
  testId?: string;
}

/**
 * A run's tags, each editable and removable in place, with a form to add one. Setting a tag that exists replaces
 * its value, as MLflow's set_tag does. Keys the server refuses (too long, reserved) come back with its reason.
 */
export function TagEditor({ entries, onSet, onRemove, testId }: TagEditorProps) {
  const [editing, setEditing] = useState<{ key: string; value: string } | null>(null);
  const [adding, setAdding] = useState({ key: '', value: '' });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();

  const attempt = async (change: () => Promise<unknown>, after: () => void) => {
    setBusy(true);
    setError(undefined);
    try {
      await change();
      after();
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : String(caught));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div data-testid={testId}>
      {entries.length === 0 ? (
        <p className="muted">No tags.</p>
      ) : (
        <table className="data-table compact kv">
          <tbody>
            {entries.map(([key, value]) => (
              <tr key={key} data-tag={key}>
                <th className="mono">{key}</th>
                <td className="mono wrap">
                  {editing?.key === key ? (
                    <form
                      className="inline-form"
                      onSubmit={(event) => {
                        event.preventDefault();
                        void attempt(
                          () => onSet(key, editing.value),
                          () => setEditing(null),
                        );
                      }}
                    >
                      <input
                        aria-label={`Value of tag ${key}`}
                        value={editing.value}
                        // biome-ignore lint/a11y/noAutofocus: the field appears because the user asked to edit it
                        autoFocus
                        onChange={(event) => setEditing({ key, value: event.target.value })}
                      />
                      <button type="submit" className="primary" disabled={busy}>
                        Save
                      </button>
                      <button type="button" onClick={() => setEditing(null)} disabled={busy}>
                        Cancel
                      </button>
                    </form>
                  ) : (
                    value
                  )}
                </td>
                <td className="tag-actions">
                  {editing?.key !== key && (
                    <>
                      <button
                        type="button"
                        className="link-button"
                        aria-label={`Edit tag ${key}`}
                        disabled={busy}
                        onClick={() => setEditing({ key, value })}
                      >
                        Edit
                      </button>{' '}
                      <button
                        type="button"
                        className="link-button danger"
                        aria-label={`Remove tag ${key}`}
                        disabled={busy}
                        onClick={() =>
                          void attempt(
                            () => onRemove(key),
                            () => {},
                          )
                        }
                      >
                        Remove
                      </button>
                    </>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form
        className="inline-form add-tag"
        onSubmit={(event) => {
          event.preventDefault();
          const key = adding.key.trim();
          if (!key) return;
          void attempt(
            () => onSet(key, adding.value),
            () => setAdding({ key: '', value: '' }),
          );
        }}
      >
        <input
          aria-label="New tag key"
          placeholder="key"
          value={adding.key}
          onChange={(event) => setAdding({ ...adding, key: event.target.value })}
        />
        <input
          aria-label="New tag value"
          placeholder="value"
          value={adding.value}
          onChange={(event) => setAdding({ ...adding, value: event.target.value })}
        />
        <button type="submit" disabled={busy || !adding.key.trim()}>
          Add tag
        </button>
      </form>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
