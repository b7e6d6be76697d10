import { keepPreviousData, useInfiniteQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { api } from '../api/client.js';
import { queryKeys } from '../api/queries.js';
import type { Experiment, ExperimentActivity } from '../api/types.js';
import { FirstRunHelp } from '../components/FirstRunHelp.js';
import { Empty, ErrorMessage, Loading } from '../components/states.js';
import { containsPattern } from '../lib/columns.js';
import { formatAgo, formatTime } from '../lib/format.js';
import { useQueryState } from '../lib/url-state.js';

const PAGE = 500;

interface Listing {
  experiments: Experiment[];
  activity: Map<string, ExperimentActivity>;
  nextPageToken?: string;
}

/** Experiments with their run counts and last activity; the search box filters by name and is kept in the URL. */
export function ExperimentsPage() {
  const [query, setQuery] = useQueryState('q');
  const [draft, setDraft] = useState(query);
  const navigate = useNavigate();

  const filter = query.trim() ? `name ILIKE ${containsPattern(query.trim())}` : undefined;
  const listing = useInfiniteQuery({
    queryKey: queryKeys.experimentList(filter ?? ''),
    queryFn: ({ pageParam, signal }) => loadPage(filter, pageParam, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextPageToken,
    // While a search is typed the list it replaces stays on screen, instead of blanking out on every key.
    placeholderData: keepPreviousData,
  });
  const pages = listing.data?.pages;
  const experiments = useMemo(() => (pages ?? []).flatMap((p) => p.experiments), [pages]);
  const activity = (id: string) => pages?.find((p) => p.activity.has(id))?.activity.get(id);

  return (
    <div className="page">
      <div className="page-header">
        <h1>Experiments</h1>
        <form
          className="search"
          onSubmit={(event) => {
            event.preventDefault();
            setQuery(draft);
          }}
        >
          <input
            type="search"
            placeholder="Search experiments by name"
            aria-label="Search experiments"
            value={draft}
            onChange={(event) => {
              setDraft(event.target.value);
              setQuery(event.target.value);
            }}
          />
        </form>
      </div>
      {listing.error && !listing.isFetchNextPageError ? (
        <ErrorMessage error={listing.error} onRetry={() => void listing.refetch()} />
      ) : !pages ? (
        <Loading label="Loading experiments…" />
      ) : experiments.length === 0 ? (
        query ? (
          <Empty title={`No experiment matches “${query}”`}>
            <p>Try a shorter part of the name, or clear the search.</p>
          </Empty>
        ) : (
          <Empty title="No experiments yet">
            <FirstRunHelp />
          </Empty>
        )
      ) : (
        <>
          <table className="data-table experiments-table">
            <thead>
              <tr>
                <th>Name</th>
                <th className="num">Runs</th>
                <th className="num">Running</th>
                <th>Last activity</th>
                <th>Created</th>
                <th>ID</th>
              </tr>
            </thead>
            <tbody>
              {experiments.map((e) => {
                const a = activity(e.experimentId);
                const last = Math.max(a?.lastActivity ?? 0, e.lastUpdateTime);
                return (
                  <tr
                    key={e.experimentId}
                    className="clickable"
                    // A click on the name's link has navigated already (and prevented the default); navigating
                    // again would add a second history entry, and Back would stay on the experiment.
                    onClick={(event) =>
                      event.defaultPrevented || navigate(`/experiments/${encodeURIComponent(e.experimentId)}`)
                    }
                  >
                    <td>
                      <Link to={`/experiments/${encodeURIComponent(e.experimentId)}`} className="strong">
                        {e.name}
                      </Link>
                      {e.tags['mlflow.note.content'] && (
                        <div className="muted small clamp">{e.tags['mlflow.note.content']}</div>
                      )}
                    </td>
                    <td className="num" data-testid="run-count">
                      {a?.runCount ?? '…'}
                    </td>
                    <td className="num">
                      {a?.runningCount ? <span className="running-dot">{a.runningCount}</span> : '—'}
                    </td>
                    <td title={formatTime(last)}>{formatAgo(last)}</td>
                    <td>{formatTime(e.creationTime)}</td>
                    <td className="mono muted">{e.experimentId}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          {listing.isFetchNextPageError && (
            <ErrorMessage error={listing.error} onRetry={() => void listing.fetchNextPage()} />
          )}
          {listing.hasNextPage && !listing.isFetchNextPageError && (
            <button
              type="button"
              className="load-more"
              disabled={listing.isFetchingNextPage}
              onClick={() => void listing.fetchNextPage()}
            >
              {listing.isFetchingNextPage ? 'Loading more experiments…' : 'Load more experiments'}
            </button>
          )}
        </>
      )}
    </div>
  );
}

async function loadPage(
  filter: string | undefined,
  pageToken: string | undefined,
  signal?: AbortSignal,
): Promise<Listing> {
  const page = await api.searchExperiments(
    { filter, orderBy: ['last_update_time DESC'], maxResults: PAGE, pageToken },
    signal,
  );
  const ids = page.experiments.map((e) => e.experimentId);
  const { activity } = ids.length > 0 ? await api.activity(ids, signal) : { activity: [] };
  return {
    experiments: page.experiments,
    activity: new Map(activity.map((a) => [a.experimentId, a])),
    nextPageToken: page.nextPageToken,
  };
}
