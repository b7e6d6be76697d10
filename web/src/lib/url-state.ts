import { useCallback, useEffect, useMemo, useState } from 'react';
import { type NavigateFunction, useNavigate, useSearchParams } from 'react-router-dom';

/** Lists live in one query parameter, comma-separated with each item URI-encoded, so keys may contain commas. */
export const encodeList = (items: readonly string[]) => items.map(encodeURIComponent).join(',');
export const decodeList = (value: string | null): string[] =>
  value
    ? value
        .split(',')
        .filter((item) => item !== '')
        .map(safeDecode)
    : [];

function safeDecode(item: string): string {
  try {
    return decodeURIComponent(item);
  } catch {
    return item;
  }
}

/**
 * How a change reaches the browser history: 'push' adds an entry, so Back undoes it (a filter, a sort, a grouping,
 * the runs compared); 'replace' rewrites the current one, for state that changes as you type or look around.
 */
export type HistoryMode = 'push' | 'replace';

export interface QueryStateOptions {
  history?: HistoryMode;
}

// Changes made in the same tick (a click that sets two parameters) are merged into one navigation, so none of them
// is lost to a URL that has not caught up yet; the navigation adds a history entry if any of them asked for one.
let pending: { params: URLSearchParams; push: boolean } | null = null;

function writeParam(navigate: NavigateFunction, name: string, value: string | null, history: HistoryMode): void {
  const first = pending === null;
  pending ??= { params: new URLSearchParams(window.location.search), push: false };
  if (value === null) pending.params.delete(name);
  else pending.params.set(name, value);
  pending.push ||= history === 'push';
  if (!first) return;
  queueMicrotask(() => {
    const search = pending?.params.toString() ?? '';
    const push = pending?.push ?? false;
    pending = null;
    if (`?${search}` === window.location.search || (search === '' && window.location.search === '')) return;
    navigate({ search: search ? `?${search}` : '' }, { replace: !push });
  });
}

/**
 * View state kept in the URL's query string, so every filter, sort, column choice and chart setting is shareable
 * and survives reload. The value also lives in component state so inputs respond at once, before the router has
 * finished updating the URL. Setting a value equal to its default removes it, keeping links short.
 */
export function useQueryState(
  name: string,
  fallback = '',
  { history = 'replace' }: QueryStateOptions = {},
): [string, (value: string) => void] {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const fromUrl = params.get(name) ?? fallback;
  const [value, setValue] = useState(fromUrl);
  useEffect(() => setValue(fromUrl), [fromUrl]);
  const set = useCallback(
    (next: string) => {
      setValue(next);
      writeParam(navigate, name, next === fallback ? null : next, history);
    },
    [name, fallback, navigate, history],
  );
  return [value, set];
}

export function useQueryList(
  name: string,
  fallback: readonly string[] = [],
  options: QueryStateOptions = {},
): [string[], (items: string[]) => void] {
  const [raw, setRaw] = useQueryState(name, encodeList(fallback), options);
  const items = useMemo(() => decodeList(raw), [raw]);
  const set = useCallback((next: string[]) => setRaw(encodeList(next)), [setRaw]);
  return [items, set];
}
