import type { SearchRequest } from '../../api/search-client.js';

/**
 * The search page keeps its whole state in the URL (`/search?q=…&type=…&facet=…&page=…`), so a search can be
 * shared, reloaded and stepped back through; these read and write it.
 */
export function readSearch(params: URLSearchParams): SearchRequest {
  return {
    q: params.get('q') ?? '',
    types: params.getAll('type'),
    facets: params.getAll('facet'),
    pageToken: params.get('page') ?? undefined,
  };
}

export function searchHref({ q, types, facets, pageToken }: SearchRequest): string {
  const params = new URLSearchParams();
  if (q.trim() !== '') params.set('q', q);
  for (const type of types) params.append('type', type);
  for (const facet of facets) params.append('facet', facet);
  if (pageToken) params.set('page', pageToken);
  const text = params.toString();
  return text === '' ? '/search' : `/search?${text}`;
}

/** Adds the value if absent, removes it if present (a facet or type checkbox). */
export function toggled(values: string[], value: string): string[] {
  return values.includes(value) ? values.filter((v) => v !== value) : [...values, value];
}

/** A term facet as the API takes it; tag values come as `<key>=<value>` and are asked for as `tag.<key>=<value>`. */
export const termFacet = (name: string, value: string) => (name === 'tag' ? `tag.${value}` : `${name}=${value}`);

/** The range facet of a numeric key the results carry: the latency budget, else a metric. */
export const numberFacetKey = (key: string) => (key === '@latency_budget_ms' ? 'latency_budget_ms' : `metric.${key}`);

/** The `<key>=<min>..<max>` range set for a numeric facet, if any: either end may be open. */
export function rangeOf(facets: string[], key: string): { min: string; max: string } {
  const prefix = `${key}=`;
  const found = facets.find((f) => f.startsWith(prefix));
  if (!found) return { min: '', max: '' };
  const [min = '', max = ''] = found.slice(prefix.length).split('..');
  return { min, max };
}

/** The facets with `key`'s range replaced; both ends empty removes it. */
export function withRange(facets: string[], key: string, min: string, max: string): string[] {
  const rest = facets.filter((f) => !f.startsWith(`${key}=`));
  return min.trim() === '' && max.trim() === '' ? rest : [...rest, `${key}=${min.trim()}..${max.trim()}`];
}
