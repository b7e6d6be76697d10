import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { searchApi, searchKeys } from '../../api/search-client.js';
import { useApiQuery } from '../../lib/use-api-query.js';

/**
 * Subscribes the user to a saved search's new results (told in their inbox, and to their SAVED_SEARCH.NEW_RESULTS
 * webhooks), or ends it. The button shows what a click does.
 */
export function SubscribeButton({ id }: { id: string }) {
  const subscription = useApiQuery(searchKeys.subscription(id), (signal) => searchApi.subscription(id, signal));
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<unknown>();
  if (!subscription.data) return null;
  const subscribed = subscription.data.subscribed;
  const change = async () => {
    setBusy(true);
    setFailure(undefined);
    try {
      await searchApi.setSubscription(id, !subscribed);
      subscription.reload();
    } catch (error) {
      setFailure(error);
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <button
        type="button"
        data-testid="saved-search-subscribe"
        disabled={busy}
        title={subscribed ? 'Stop being told of new results' : 'Be told in your inbox when new results match'}
        onClick={() => void change()}
      >
        {subscribed ? 'Unsubscribe' : 'Subscribe'}
      </button>
      {failure instanceof Error && <span className="error"> {failure.message}</span>}
    </>
  );
}

/** The saved search the page was opened on: its name, its link to share, and the subscription to it. */
export function SavedSearchBar({ id }: { id: string }) {
  const saved = useApiQuery(searchKeys.savedSearch(id), (signal) => searchApi.savedSearch(id, signal));
  const found = saved.data?.savedSearch;
  if (!found) return null;
  return (
    <div className="saved-search-bar small" data-testid="saved-search-bar">
      Saved search <strong>“{found.name}”</strong>:{' '}
      <Link to={found.path}>
        {window.location.origin}
        {found.path}
      </Link>{' '}
      <SubscribeButton id={found.id} />
    </div>
  );
}

/** The user's saved searches, newest first, each opened by its link. */
export function SavedSearchList() {
  const [open, setOpen] = useState(false);
  const list = useApiQuery(searchKeys.savedSearches, (signal) => searchApi.savedSearches(signal), { enabled: open });
  return (
    <details
      className="saved-searches small"
      data-testid="saved-searches"
      onToggle={(event) => setOpen(event.currentTarget.open)}
    >
      <summary>Saved searches</summary>
      {list.error instanceof Error && <p className="error">{list.error.message}</p>}
      {list.data &&
        (list.data.savedSearches.length === 0 ? (
          <p className="muted">None yet: name a search and save it.</p>
        ) : (
          <ul>
            {list.data.savedSearches.map((s) => (
              <li key={s.id}>
                <Link to={s.path}>{s.name}</Link>
              </li>
            ))}
          </ul>
        ))}
    </details>
  );
}

/** After a save, the list shows the new search the next time it is opened. */
export function useSavedListRefresh(): () => void {
  const client = useQueryClient();
  return () => void client.invalidateQueries({ queryKey: searchKeys.savedSearches });
}
