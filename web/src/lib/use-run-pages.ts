import { experimental_streamedQuery, useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useRef, useState } from 'react';
import { api } from '../api/client.js';
import { queryKeys } from '../api/queries.js';
import type { Run } from '../api/types.js';
import { quoteValue, type RunRow, toRunRow } from './columns.js';

// A small first page puts rows on screen at once; later pages are large to keep the number of requests low.
const FIRST_PAGE = 50;
const PAGE_SIZE = 2000;
const LIVE_INTERVAL_MS = 5000;
const ID_CHUNK = 200;

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
export function useRunPages(experimentId: string, filter: string, orderBy: string[]): RunPages {
  const client = useQueryClient();
  const [newRuns, setNewRuns] = useState(0);
  const queryKey = queryKeys.runSearch(experimentId, filter, orderBy);
  const query = useQuery({
    queryKey,
    queryFn: experimental_streamedQuery({
      streamFn: ({ signal }) => runPages(experimentId, filter, orderBy, signal),
      reducer: (rows: RunRow[], page: RunRow[]) => rows.concat(page),
      initialValue: NO_ROWS,
    }),
    staleTime: Number.POSITIVE_INFINITY,
  });
  const rows = query.data ?? NO_ROWS;
  const loading = query.isFetching || query.isPending;
  const error = query.error ?? undefined;
  const keyRef = useRef(queryKey);
  keyRef.current = queryKey;

  // biome-ignore lint/correctness/useExhaustiveDependencies: a new search starts with no new runs to announce
  useEffect(() => setNewRuns(0), [experimentId, filter, orderBy.join('\n')]);

  useEffect(() => {
    if (loading || error) return;
    const timer = setInterval(async () => {
      const key = keyRef.current;
      const current = client.getQueryData<RunRow[]>(key) ?? NO_ROWS;
      const running = current.filter((r) => r.run.status === 'RUNNING').map((r) => r.run.runId);
      try {
        const fresh = await refreshRuns(experimentId, running);
        if (fresh.size > 0) {
          client.setQueryData<RunRow[]>(key, (rows) =>
            rows?.map((row) => {
              const run = fresh.get(row.run.runId);
              return run ? toRunRow(run) : row;
            }),
          );
        }
        const newest = current.reduce((max, r) => Math.max(max, r.run.startTime), 0);
        const since = await api.searchRuns({
          experimentIds: [experimentId],
          filter: [filter, `attributes.start_time > ${newest}`].filter(Boolean).join(' and '),
          maxResults: 1000,
        });
        const known = new Set(current.map((r) => r.run.runId));
        setNewRuns(since.runs.filter((r) => !known.has(r.runId)).length);
      } catch {
        // A failed refresh leaves the table as it was; the next tick tries again.
      }
    }, LIVE_INTERVAL_MS);
    return () => clearInterval(timer);
  }, [client, experimentId, filter, loading, error]);

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
      },
      signal,
    );
    yield page.runs.map(toRunRow);
    pageToken = page.nextPageToken;
  } while (pageToken);
}

async function refreshRuns(experimentId: string, runIds: string[]): Promise<Map<string, Run>> {
  const fresh = new Map<string, Run>();
  for (let i = 0; i < runIds.length; i += ID_CHUNK) {
    const ids = runIds.slice(i, i + ID_CHUNK);
    const page = await api.searchRuns({
      experimentIds: [experimentId],
      filter: `attributes.run_id IN (${ids.map(quoteValue).join(', ')})`,
      maxResults: ID_CHUNK,
    });
    for (const run of page.runs) fresh.set(run.runId, run);
  }
  return fresh;
}
