import { keepPreviousData, type QueryKey, useQuery } from '@tanstack/react-query';
import { useCallback } from 'react';
import type { AsyncState } from './use-async.js';

export interface ApiQueryOptions {
  /** False while the request cannot be made yet (an id still unknown): no request, no data, not loading. */
  enabled?: boolean;
  /**
   * Keeps the previous key's data on screen while the new key loads, for a view whose key changes as the user works
   * in it (a comparison gaining a run, a search being typed), so it does not blank out on each change.
   */
  keepPrevious?: boolean;
}

/**
 * Server data through the shared query cache (see api/queries.ts), in the same shape as useAsync so a view can
 * show its loading, error and data states alike: the same key asked twice is one request, and a revisited page
 * shows the cached answer at once.
 */
export function useApiQuery<T>(
  queryKey: QueryKey,
  load: (signal: AbortSignal) => Promise<T>,
  { enabled = true, keepPrevious = false }: ApiQueryOptions = {},
): AsyncState<T> {
  const query = useQuery({
    queryKey,
    queryFn: ({ signal }) => load(signal),
    enabled,
    placeholderData: keepPrevious ? keepPreviousData : undefined,
  });
  const { refetch } = query;
  const reload = useCallback(() => void refetch(), [refetch]);
  return { data: query.data, error: query.error ?? undefined, loading: query.isFetching, reload };
}
