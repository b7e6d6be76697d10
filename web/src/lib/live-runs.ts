import type { QueryClient, QueryKey } from '@tanstack/react-query';
import type { RunSearch } from '../api/client.js';
import type { Run } from '../api/types.js';
import { quoteValue, type RunRow, toRunRow } from './columns.js';

const ID_CHUNK = 200;

export type SearchRuns = (
  body: RunSearch,
  signal: AbortSignal,
) => Promise<{ runs: Run[]; nextPageToken?: string | undefined }>;

/** The search whose cached rows a live refresh keeps current. */
export interface LiveSearch {
  experimentId: string;
  filter: string;
  /** Where the search's rows live in the query cache. */
  queryKey: QueryKey;
}

/**
 * One pass of the live refresh of a runs table: re-reads the runs it shows as RUNNING, writes what changed into the
 * cached rows, and counts the runs matching the search that started since the newest one shown.
 *
 * The answers arrive a while after the rows were read, and by then the rows may have been replaced by a newer answer
 * (a reload, or a refetch after a change elsewhere): writing the refresh over those would put older run states back
 * on screen. So nothing is written, and undefined is returned, unless the rows are still the very ones the refresh
 * read and no fetch of them is under way; nor after `signal` aborts, which the caller does when its search changes.
 */
export async function refreshLiveRuns(
  client: QueryClient,
  search: LiveSearch,
  searchRuns: SearchRuns,
  signal: AbortSignal,
): Promise<number | undefined> {
  const read = client.getQueryState<RunRow[]>(search.queryKey);
  const shown = read?.data;
  if (!read || !shown) return undefined;
  const running = shown.filter((r) => r.run.status === 'RUNNING').map((r) => r.run.runId);
  const fresh = await runsById(search.experimentId, running, searchRuns, signal);
  const newest = shown.reduce((max, r) => Math.max(max, r.run.startTime), 0);
  const since = await searchRuns(
    {
      experimentIds: [search.experimentId],
      filter: [search.filter, `attributes.start_time > ${newest}`].filter(Boolean).join(' and '),
      maxResults: 1000,
    },
    signal,
  );

  const now = client.getQueryState<RunRow[]>(search.queryKey);
  const unchanged = now?.dataUpdateCount === read.dataUpdateCount && now.fetchStatus === 'idle';
  if (signal.aborted || !unchanged) return undefined;
  if (fresh.size > 0) {
    client.setQueryData<RunRow[]>(search.queryKey, (rows) =>
      rows?.map((row) => {
        const run = fresh.get(row.run.runId);
        return run ? toRunRow(run) : row;
      }),
    );
  }
  const known = new Set(shown.map((r) => r.run.runId));
  return since.runs.filter((r) => !known.has(r.runId)).length;
}

async function runsById(
  experimentId: string,
  runIds: string[],
  searchRuns: SearchRuns,
  signal: AbortSignal,
): Promise<Map<string, Run>> {
  const fresh = new Map<string, Run>();
  for (let i = 0; i < runIds.length; i += ID_CHUNK) {
    const ids = runIds.slice(i, i + ID_CHUNK);
    const page = await searchRuns(
      {
        experimentIds: [experimentId],
        filter: `attributes.run_id IN (${ids.map(quoteValue).join(', ')})`,
        maxResults: ID_CHUNK,
      },
      signal,
    );
    for (const run of page.runs) fresh.set(run.runId, run);
  }
  return fresh;
}
