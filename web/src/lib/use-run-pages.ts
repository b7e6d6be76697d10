import { experimental_streamedQuery, useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useState } from 'react';
import { api } from '../api/client.js';
import { queryKeys } from '../api/queries.js';
import { type RunRow, toRunRow } from './columns.js';
import { refreshLiveRuns } from './live-runs.js';

// A small first page puts rows on screen at once; later pages are large to keep the number of requests low.
const FIRST_PAGE = 50;
const PAGE_SIZE = 2000;
const LIVE_INTERVAL_MS = 5000;

export interface RunPages {
  rows: RunRow[];
  /** True until the last page has arrived. */
  loading: boolean;
  error: Error | undefined;
  /** Runs started since the table was loaded that it does not show yet. */
  newRuns: number;
  reload: () => void;
}

const NO_ROWS: RunRow[] = [];

/**
 * Loads every run matching a search, page after page with the API's page tokens, showing each page as it lands so
 * the first rows appear at once even for tens of thousands of runs. The rows live in the shared query cache and are
 * not re-read when the page is shown again (Back from a run): the live refresh below keeps them current, and a
 * change made elsewhere in the UI invalidates them. While some runs are RUNNING it refreshes just those every few
 * seconds and counts runs started since, so the table stays live without a reload.
 */
export function useRunPages(experimentId: string, filter: string, orderBy: string[], deleted = false): RunPages {
  const client = useQueryClient();
  const [newRuns, setNewRuns] = useState(0);
  const queryKey = queryKeys.runSearch(experimentId, filter, orderBy, deleted);
  const query = useQuery({
    queryKey,
    queryFn: experimental_streamedQuery({
      streamFn: ({ signal }) => runPages(experimentId, filter, orderBy, deleted, signal),
      reducer: (rows: RunRow[], page: RunRow[]) => rows.concat(page),
      initialValue: NO_ROWS,
    }),
    staleTime: Number.POSITIVE_INFINITY,
  });
  const rows = query.data ?? NO_ROWS;
  const loading = query.isFetching || query.isPending;
  const error = query.error ?? undefined;
  const orderKey = orderBy.join('\n');

  // biome-ignore lint/correctness/useExhaustiveDependencies: a new search starts with no new runs to announce
  useEffect(() => setNewRuns(0), [experimentId, filter, orderKey, deleted]);

  // Each pass starts when the previous one has ended, so two never overlap, and a pass still waiting for its answers
  // when the search changes (or a reload starts) is aborted: an answer meant for an older search never lands.
  // biome-ignore lint/correctness/useExhaustiveDependencies: orderKey stands for orderBy, whose array changes identity
  useEffect(() => {
    // Deleted runs do not run, and runs started since are not deleted: the list of deleted runs has nothing live.
    if (loading || error || deleted) return;
    const search = { experimentId, filter, queryKey: queryKeys.runSearch(experimentId, filter, orderBy) };
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout>;
    const pass = async () => {
      try {
        const count = await refreshLiveRuns(client, search, api.searchRuns, controller.signal);
        if (count !== undefined && !controller.signal.aborted) setNewRuns(count);
      } catch {
        // A failed refresh leaves the table as it was; the next pass tries again.
      }
      if (!controller.signal.aborted) timer = setTimeout(pass, LIVE_INTERVAL_MS);
    };
    timer = setTimeout(pass, LIVE_INTERVAL_MS);
    return () => {
      controller.abort();
      clearTimeout(timer);
    };
  }, [client, experimentId, filter, orderKey, loading, error, deleted]);

  const { refetch } = query;
  const reload = useCallback(() => {
    setNewRuns(0);
    void refetch();
  }, [refetch]);
  return { rows, loading, error, newRuns, reload };
}

async function* runPages(
  experimentId: string,
  filter: string,
  orderBy: string[],
  deleted: boolean,
  signal: AbortSignal,
): AsyncGenerator<RunRow[]> {
  let pageToken: string | undefined;
  do {
    const page = await api.searchRuns(
      {
        experimentIds: [experimentId],
        filter: filter || undefined,
        orderBy,
        maxResults: pageToken ? PAGE_SIZE : FIRST_PAGE,
        pageToken,
        viewType: deleted ? 'DELETED_ONLY' : undefined,
      },
      signal,
    );
    yield page.runs.map(toRunRow);
    pageToken = page.nextPageToken;
  } while (pageToken);
}
