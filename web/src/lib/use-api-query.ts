import { type QueryKey, useQuery } from '@tanstack/react-query';
import { useCallback } from 'react';
import type { AsyncState } from './use-async.js';

/**
 * Server data through the shared query cache (see api/queries.ts), in the same shape as useAsync so a view can
 * show its loading, error and data states alike: the same key asked twice is one request, and a revisited page
 * shows the cached answer at once.
 */
export function useApiQuery<T>(queryKey: QueryKey, load: (signal: AbortSignal) => Promise<T>): AsyncState<T> {
  const query = useQuery({ queryKey, queryFn: ({ signal }) => load(signal) });
  const { refetch } = query;
  const reload = useCallback(() => void refetch(), [refetch]);
  return { data: query.data, error: query.error ?? undefined, loading: query.isFetching, reload };
}
