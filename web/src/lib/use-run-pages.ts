import { useCallback, useEffect, useRef, useState } from 'react';
import { api } from '../api/client.js';
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

/**
 * Loads every run matching a search, page after page with the API's page tokens, showing each page as it lands so
 * the first rows appear at once even for tens of thousands of runs. While some runs are RUNNING it refreshes just
 * those every few seconds and counts runs started since, so the table stays live without a reload.
 */
export function useRunPages(experimentId: string, filter: string, orderBy: string[]): RunPages {
  const [rows, setRows] = useState<RunRow[]>([]);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<Error>();
  const [newRuns, setNewRuns] = useState(0);
  const [generation, setGeneration] = useState(0);
  const rowsRef = useRef<RunRow[]>([]);
  const orderKey = orderBy.join('\n');

  // biome-ignore lint/correctness/useExhaustiveDependencies: orderKey stands for orderBy; generation forces reload
  useEffect(() => {
    const controller = new AbortController();
    const { signal } = controller;
    setRows([]);
    rowsRef.current = [];
    setLoading(true);
    setError(undefined);
    setNewRuns(0);
    (async () => {
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
        if (signal.aborted) return;
        rowsRef.current = rowsRef.current.concat(page.runs.map(toRunRow));
        setRows(rowsRef.current);
        pageToken = page.nextPageToken;
      } while (pageToken);
      setLoading(false);
    })().catch((caught: unknown) => {
      if (signal.aborted) return;
      setError(caught instanceof Error ? caught : new Error(String(caught)));
      setLoading(false);
    });
    return () => controller.abort();
  }, [experimentId, filter, orderKey, generation]);

  useEffect(() => {
    if (loading || error) return;
    const timer = setInterval(async () => {
      const current = rowsRef.current;
      const running = current.filter((r) => r.run.status === 'RUNNING').map((r) => r.run.runId);
      try {
        const fresh = await refreshRuns(experimentId, running);
        if (fresh.size > 0) {
          rowsRef.current = rowsRef.current.map((row) => {
            const run = fresh.get(row.run.runId);
            return run ? toRunRow(run) : row;
          });
          setRows(rowsRef.current);
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
  }, [experimentId, filter, loading, error]);

  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  return { rows, loading, error, newRuns, reload };
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
