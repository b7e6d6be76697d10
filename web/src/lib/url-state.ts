import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router-dom';

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
 * View state kept in the URL's query string, so every filter, sort, column choice and chart setting is shareable
 * and survives reload. Setting a value equal to its default removes it, keeping links short.
 */
export function useQueryState(name: string, fallback = ''): [string, (value: string) => void] {
  const [params, setParams] = useSearchParams();
  const value = params.get(name) ?? fallback;
  const set = useCallback(
    (next: string) =>
      setParams(
        (current) => {
          const updated = new URLSearchParams(current);
          if (next === fallback) updated.delete(name);
          else updated.set(name, next);
          return updated;
        },
        { replace: true },
      ),
    [name, fallback, setParams],
  );
  return [value, set];
}

export function useQueryList(name: string, fallback: readonly string[] = []): [string[], (items: string[]) => void] {
  const [raw, setRaw] = useQueryState(name, encodeList(fallback));
  const items = useMemo(() => decodeList(raw), [raw]);
  const set = useCallback((next: string[]) => setRaw(encodeList(next)), [setRaw]);
  return [items, set];
}
