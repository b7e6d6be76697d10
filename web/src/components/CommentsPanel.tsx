import { type FormEvent, useState } from 'react';
import {
  type CommentItem,
  type CommentSubject,
  collaborationApi,
  collaborationKeys,
} from '../api/collaboration-client.js';
import { useCurrentUser } from '../api/session.js';
import { useApiQuery } from '../lib/use-api-query.js';
import { LazyMarkdown } from './LazyMarkdown.js';
import { MentionTextarea } from './MentionTextarea.js';
import { ErrorMessage, Loading } from './states.js';

/**
 * The conversation about a run, a model version or a dataset: comments oldest first, and a box to add one. `@name` notifies
 * that user when they may read what the comment is about; the server decides, so the panel only says so. Authors
 * edit and delete their own comments here.
 */
export function CommentsPanel({ subject }: { subject: CommentSubject }) {
  const comments = useApiQuery(collaborationKeys.comments(subject), (signal) =>
    collaborationApi.comments(subject, signal),
  );
  const me = useCurrentUser();
  const [draft, setDraft] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error | undefined>();

  const submit = async (event?: FormEvent) => {
    event?.preventDefault();
    if (draft.trim() === '') return;
    setBusy(true);
    setError(undefined);
    try {
      await collaborationApi.addComment(subject, draft);
      setDraft('');
      comments.reload();
    } catch (e) {
      setError(e as Error);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section data-testid="comments">
      <h2>Comments{comments.data ? ` (${comments.data.comments.length})` : ''}</h2>
      {comments.error ? (
        <ErrorMessage error={comments.error} onRetry={comments.reload} />
      ) : !comments.data ? (
        <Loading />
      ) : comments.data.comments.length === 0 ? (
        <p className="muted">No comments yet.</p>
      ) : (
        <ol className="comment-list">
          {comments.data.comments.map((c) => (
            <CommentEntry
              key={c.id}
              comment={c}
              mine={me === null || me.name === c.author}
              onChanged={comments.reload}
            />
          ))}
        </ol>
      )}
      <form onSubmit={submit} className="comment-form">
        <label htmlFor="comment-body" className="muted small">
          Markdown; <code>@name</code> notifies that user if they may read this.
        </label>
        <MentionTextarea
          id="comment-body"
          data-testid="comment-input"
          rows={3}
          value={draft}
          onChange={setDraft}
          placeholder="Add a comment… (@ suggests people)"
        />
        {error && <ErrorMessage error={error} />}
        <button type="submit" className="primary" disabled={busy || draft.trim() === ''} data-testid="comment-submit">
          Comment
        </button>
      </form>
    </section>
  );
}

function CommentEntry({ comment, mine, onChanged }: { comment: CommentItem; mine: boolean; onChanged: () => void }) {
  const [editing, setEditing] = useState<string | null>(null);
  const [error, setError] = useState<Error | undefined>();
  const act = async (action: () => Promise<unknown>) => {
    setError(undefined);
    try {
      await action();
      setEditing(null);
      onChanged();
    } catch (e) {
      setError(e as Error);
    }
  };
  return (
    <li className="comment" data-testid="comment">
      <div className="comment-meta muted small">
        <strong data-testid="comment-author">{comment.author}</strong> · {new Date(comment.createdAt).toLocaleString()}
        {comment.updatedAt !== comment.createdAt && ' (edited)'}
        {mine && editing === null && (
          <>
            {' '}
            <button type="button" className="link-button" onClick={() => setEditing(comment.body)}>
              edit
            </button>{' '}
            <button
              type="button"
              className="link-button"
              onClick={() => void act(() => collaborationApi.deleteComment(comment.id))}
            >
              delete
            </button>
          </>
        )}
      </div>
      {editing === null ? (
        <LazyMarkdown source={comment.body} />
      ) : (
        <div className="comment-form">
          <MentionTextarea
            id={`comment-edit-${comment.id}`}
            aria-label="Edit comment"
            rows={3}
            value={editing}
            onChange={setEditing}
          />
          <button
            type="button"
            className="primary"
            onClick={() => void act(() => collaborationApi.editComment(comment.id, editing))}
          >
            Save
          </button>{' '}
          <button type="button" onClick={() => setEditing(null)}>
            Cancel
          </button>
        </div>
      )}
      {error && <ErrorMessage error={error} />}
    </li>
  );
}
