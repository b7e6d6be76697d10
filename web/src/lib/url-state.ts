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

// Changes made in the same tick (a click that sets two parameters) are merged into one navigation, so none of them
// is lost to a URL that has not caught up yet.
let pending: URLSearchParams | null = null;

function writeParam(navigate: NavigateFunction, name: string, value: string | null): void {
  const params = pending ?? new URLSearchParams(window.location.search);
  if (value === null) params.delete(name);
  else params.set(name, value);
  if (pending) return;
  pending = params;
  queueMicrotask(() => {
    const search = pending?.toString() ?? '';
    pending = null;
    navigate({ search: search ? `?${search}` : '' }, { replace: true });
  });
}

/**
 * View state kept in the URL's query string, so every filter, sort, column choice and chart setting is shareable
 * and survives reload. The value also lives in component state so inputs respond at once, before the router has
 * finished updating the URL. Setting a value equal to its default removes it, keeping links short.
 */
export function useQueryState(name: string, fallback = ''): [string, (value: string) => void] {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const fromUrl = params.get(name) ?? fallback;
  const [value, setValue] = useState(fromUrl);
  useEffect(() => setValue(fromUrl), [fromUrl]);
  const set = useCallback(
    (next: string) => {
      setValue(next);
      writeParam(navigate, name, next === fallback ? null : next);
    },
    [name, fallback, navigate],
  );
  return [value, set];
}

export function useQueryList(name: string, fallback: readonly string[] = []): [string[], (items: string[]) => void] {
  const [raw, setRaw] = useQueryState(name, encodeList(fallback));
  const items = useMemo(() => decodeList(raw), [raw]);
  const set = useCallback((next: string[]) => setRaw(encodeList(next)), [setRaw]);
  return [items, set];
}
