import { useState } from 'react';
import { Link } from 'react-router-dom';
import { api } from '../api/client.js';
import { queryKeys } from '../api/queries.js';
import { useCurrentUser } from '../api/session.js';
import type { NotificationItem } from '../api/types.js';
import { Empty, ErrorMessage, Loading } from '../components/states.js';
import { useAction } from '../lib/use-action.js';
import { useApiQuery } from '../lib/use-api-query.js';

const KIND_LABEL: Record<NotificationItem['kind'], string> = {
  approval_requested: 'Awaiting your approval',
  request_decided: 'Decision on your request',
  policy_failed: 'Policy failed',
  break_glass_used: 'Break-glass used',
  needs_revalidation: 'Needs revalidation',
  mentioned: 'Mentioned you',
  saved_search_matched: 'New results of a saved search',
};

/** The signed-in user's notifications: requests awaiting them, decisions, failed policies, versions to revalidate. */
export function InboxPage() {
  const user = useCurrentUser();
  const [unreadOnly, setUnreadOnly] = useState(false);
  const inbox = useApiQuery(queryKeys.notificationList(unreadOnly), (signal) => api.notifications(unreadOnly, signal), {
    enabled: user !== null,
  });
  const markRead = useAction((ids: string[] | 'all') => api.markNotificationsRead(ids), [queryKeys.notifications()]);

  if (!user) {
    return (
      <div className="page">
        <Empty title="This server does not check who calls it">
          <p>Notifications are addressed to signed-in users.</p>
        </Empty>
      </div>
    );
  }
  return (
    <div className="page">
      <div className="page-header">
        <h1>Inbox</h1>
        <span className="spacer" />
        <label className="small">
          <input type="checkbox" checked={unreadOnly} onChange={(e) => setUnreadOnly(e.target.checked)} /> Unread only
        </label>
        <button
          type="button"
          disabled={markRead.busy || (inbox.data?.unreadCount ?? 0) === 0}
          onClick={() => void markRead.run('all')}
        >
          Mark all read
        </button>
      </div>
      {markRead.error && (
        <p className="form-error" role="alert">
          {markRead.error}
        </p>
      )}
      {inbox.error ? (
        <ErrorMessage error={inbox.error} onRetry={inbox.reload} />
      ) : !inbox.data ? (
        <Loading label="Loading notifications…" />
      ) : inbox.data.notifications.length === 0 ? (
        <Empty title={unreadOnly ? 'Nothing unread' : 'No notifications yet'}>
          <p>
            Requests awaiting your approval, decisions on your requests, failed policies, versions to revalidate and new
            results of saved searches you subscribe to show up here.
          </p>
        </Empty>
      ) : (
        <ul className="inbox" data-testid="inbox">
          {inbox.data.notifications.map((n) => (
            <li key={n.id} className={n.readAt === null ? 'inbox-item unread' : 'inbox-item'}>
              <div className="inbox-head">
                <span className="muted small">{KIND_LABEL[n.kind] ?? n.kind}</span>
                <span className="muted small">{new Date(n.createdAt).toLocaleString()}</span>
              </div>
              <strong>{n.link ? <Link to={n.link}>{n.subject}</Link> : n.subject}</strong>
              <p className="inbox-body">{n.body}</p>
              {n.readAt === null && (
                <button
                  type="button"
                  className="small"
                  disabled={markRead.busy}
                  onClick={() => void markRead.run([n.id])}
                >
                  Mark read
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
