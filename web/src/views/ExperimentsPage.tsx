import { keepPreviousData, useInfiniteQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { api } from '../api/client.js';
import { queryKeys } from '../api/queries.js';
import { useSession } from '../api/session.js';
import type { Experiment, ExperimentActivity } from '../api/types.js';
import { FirstRunHelp } from '../components/FirstRunHelp.js';
import { Empty, ErrorMessage, Loading } from '../components/states.js';
import { containsPattern } from '../lib/columns.js';
import { formatAgo, formatTime } from '../lib/format.js';
import { useQueryState } from '../lib/url-state.js';
import { useApiQuery } from '../lib/use-api-query.js';

const PAGE = 500;

interface Listing {
  experiments: Experiment[];
  activity: Map<string, ExperimentActivity>;
  nextPageToken?: string;
}

/** Experiments with their run counts and last activity; the search box filters by name and is kept in the URL. */
export function ExperimentsPage() {
  const [query, setQuery] = useQueryState('q');
  // MLflow's lifecycle filter: the live experiments, or the deleted ones, each of which opens to be restored.
  const [lifecycle, setLifecycle] = useQueryState('lifecycle', 'active', { history: 'push' });
  const deleted = lifecycle === 'deleted';
  const [draft, setDraft] = useState(query);
  // Owners to narrow the list to, kept in the URL so "my team's experiments" is a link.
  const [ownerUser, setOwnerUser] = useQueryState('owner');
  const [ownerTeam, setOwnerTeam] = useQueryState('team');
  const navigate = useNavigate();

  const filter = query.trim() ? `name ILIKE ${containsPattern(query.trim())}` : undefined;
  const owner = { ownerUser: ownerUser.trim() || undefined, ownerTeam: ownerTeam.trim() || undefined };
  const listing = useInfiniteQuery({
    queryKey: [...queryKeys.experimentList(filter ?? ''), deleted, owner.ownerUser ?? '', owner.ownerTeam ?? ''],
    queryFn: ({ pageParam, signal }) => loadPage(filter, owner, deleted, pageParam, signal),
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
        <NewExperiment onCreated={(id) => navigate(`/experiments/${encodeURIComponent(id)}`)} />
        <select
          aria-label="Experiments shown"
          value={deleted ? 'deleted' : 'active'}
          onChange={(event) => setLifecycle(event.target.value)}
        >
          <option value="active">Active</option>
          <option value="deleted">Deleted</option>
        </select>
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
        <OwnerFilter user={ownerUser} team={ownerTeam} onUser={setOwnerUser} onTeam={setOwnerTeam} />
      </div>
      {listing.error && !listing.isFetchNextPageError ? (
        <ErrorMessage error={listing.error} onRetry={() => void listing.refetch()} />
      ) : !pages ? (
        <Loading label="Loading experiments…" />
      ) : experiments.length === 0 ? (
        deleted ? (
          <Empty title={query ? `No deleted experiment matches “${query}”` : 'No deleted experiments'}>
            <p>Deleted experiments are listed here, to be opened and restored, until they are removed for good.</p>
          </Empty>
        ) : query || owner.ownerUser || owner.ownerTeam ? (
          <Empty title={query ? `No experiment matches “${query}”` : 'No experiment has these owners'}>
            <p>Try a shorter part of the name, other owners, or clear the search.</p>
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
                <th>Owners</th>
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
                    <td data-testid="experiment-owners">
                      {[e.owners?.user, e.owners?.team].filter(Boolean).join(' · ') || '—'}
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

/**
 * Creating an experiment: a button that opens a name field in place. Any signed-in user whose token may write can
 * create one, so it is hidden only from a signed-out browser on a server with authentication; the server's
 * refusal (a name already taken) is shown as written.
 */
function NewExperiment({ onCreated }: { onCreated: (experimentId: string) => void }) {
  const session = useSession().data;
  const client = useQueryClient();
  const [name, setName] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  if (!session || (session.authEnabled && !session.user)) return null;
  if (name === null) {
    return (
      <button type="button" className="primary" onClick={() => setName('')} data-testid="new-experiment">
        New experiment
      </button>
    );
  }
  const create = async () => {
    if (!name.trim()) return;
    setBusy(true);
    setError(undefined);
    try {
      const { experiment } = await api.createExperiment(name.trim());
      await client.invalidateQueries({ queryKey: queryKeys.experimentList('').slice(0, 1) });
      onCreated(experiment.experimentId);
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : String(caught));
      setBusy(false);
    }
  };
  return (
    <form
      className="inline-form"
      onSubmit={(event) => {
        event.preventDefault();
        void create();
      }}
    >
      <input
        aria-label="New experiment name"
        placeholder="Experiment name"
        value={name}
        // biome-ignore lint/a11y/noAutofocus: the field appears because the user asked to create; typing goes there
        autoFocus
        onChange={(event) => setName(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === 'Escape') setName(null);
        }}
      />
      <button type="submit" className="primary" disabled={busy || !name.trim()}>
        {busy ? 'Creating…' : 'Create'}
      </button>
      <button type="button" onClick={() => setName(null)} disabled={busy}>
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

/** Narrows the list to experiments a user and/or a team owns; the team is picked from the teams there are. */
function OwnerFilter({
  user,
  team,
  onUser,
  onTeam,
}: {
  user: string;
  team: string;
  onUser: (user: string) => void;
  onTeam: (team: string) => void;
}) {
  const session = useSession().data;
  const [draft, setDraft] = useState(user);
  const teams = useApiQuery(queryKeys.teams(), (signal) => api.teams(signal), {
    enabled: Boolean(session?.authEnabled && session.user),
  });
  return (
    <form
      className="inline-form"
      onSubmit={(event) => {
        event.preventDefault();
        onUser(draft.trim());
      }}
    >
      <input
        type="search"
        aria-label="Owner user"
        placeholder="Owner"
        value={draft}
        onChange={(event) => {
          setDraft(event.target.value);
          if (event.target.value === '') onUser('');
        }}
        data-testid="owner-filter-user"
      />
      {teams.data && teams.data.teams.length > 0 && (
        <select
          aria-label="Owner team"
          value={team}
          onChange={(event) => onTeam(event.target.value)}
          data-testid="owner-filter-team"
        >
          <option value="">Any team</option>
          {teams.data.teams.map((t) => (
            <option key={t.name} value={t.name}>
              {t.name}
            </option>
          ))}
        </select>
      )}
    </form>
  );
}

async function loadPage(
  filter: string | undefined,
  owner: { ownerUser?: string; ownerTeam?: string },
  deleted: boolean,
  pageToken: string | undefined,
  signal?: AbortSignal,
): Promise<Listing> {
  const page = await api.searchExperiments(
    {
      filter,
      ...owner,
      orderBy: ['last_update_time DESC'],
      maxResults: PAGE,
      pageToken,
      viewType: deleted ? 'DELETED_ONLY' : undefined,
    },
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
