import { useEffect, useState } from 'react';
import { api } from '../api/client.js';
import { SOURCE_TAGS } from '../lib/run-facts.js';
import { LazyMarkdown } from './LazyMarkdown.js';

/**
 * A run's notes: Markdown kept in MLflow's `mlflow.note.content` tag, so notes written here show in MLflow's UI
 * and the other way round. Saving writes the tag through the run's batch endpoint.
 */
export function NotesEditor({
  runId,
  content,
  editable,
  onSaved,
}: {
  runId: string;
  content: string;
  editable: boolean;
  onSaved: () => void;
}) {
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState(content);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string>();
  // What was last saved, shown at once instead of the stale prop while the run reloads.
  const [shown, setShown] = useState(content);
  useEffect(() => {
    setDraft(content);
    setShown(content);
  }, [content]);

  const save = async () => {
    setSaving(true);
    setError(undefined);
    try {
      await api.setTags(runId, { [SOURCE_TAGS.notes]: draft });
      setShown(draft);
      setEditing(false);
      onSaved();
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : String(caught));
    } finally {
      setSaving(false);
    }
  };

  if (editing) {
    return (
      <div className="notes" data-testid="notes">
        <textarea
          aria-label="Notes (Markdown)"
          value={draft}
          rows={10}
          onChange={(event) => setDraft(event.target.value)}
          placeholder="What did this run try, and what did you learn? Markdown is supported."
        />
        {error && (
          <p className="filter-error" role="alert">
            {error}
          </p>
        )}
        <div className="row-gap">
          <button type="button" className="primary" onClick={save} disabled={saving}>
            {saving ? 'Saving…' : 'Save notes'}
          </button>
          <button
            type="button"
            className="ghost"
            onClick={() => {
              setDraft(content);
              setEditing(false);
            }}
          >
            Cancel
          </button>
        </div>
        {draft && (
          <div className="notes-preview">
            <h4 className="muted small">Preview</h4>
            <LazyMarkdown source={draft} />
          </div>
        )}
      </div>
    );
  }
  return (
    <div className="notes" data-testid="notes">
      {shown ? <LazyMarkdown source={shown} /> : <p className="muted">No notes yet.</p>}
      {editable && (
        <button
          type="button"
          onClick={() => {
            setDraft(shown);
            setEditing(true);
          }}
        >
          {shown ? 'Edit notes' : 'Add notes'}
        </button>
      )}
    </div>
  );
}
