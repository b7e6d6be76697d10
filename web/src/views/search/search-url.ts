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

/**
 * The search page on a saved search: its words, types and facets, and `saved=<id>` so the page names it and offers
 * to subscribe. Any change to the search leaves the saved one behind (the parameter is not part of a search).
 */
export function savedSearchHref(saved: { id: string; q: string; types: string[]; facets: string[] }): string {
  const href = searchHref({ q: saved.q, types: saved.types, facets: saved.facets });
  return `${href}${href.includes('?') ? '&' : '?'}${new URLSearchParams({ saved: saved.id })}`;
}

/** The saved search the page was opened on, if any. */
export const readSavedId = (params: URLSearchParams): string | undefined => params.get('saved') ?? undefined;

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

/** The time facets the search API takes: `created=<from>..<to>` and `updated=…`. */
export type DateFacetKey = 'created' | 'updated';

const DAY = /^\d{4}-\d{2}-\d{2}$/;
/** How the last moment of a UTC day is written in a facet, so that "to 2026-03-31" includes that whole day. */
const END_OF_DAY = 'T23:59:59.999Z';

/**
 * The days (`YYYY-MM-DD`, UTC) a date facet is set to, either end empty. An end the page did not write itself (a
 * time of day, epoch milliseconds, from a link) is shown as the UTC day it falls on.
 */
export function dateRangeOf(facets: string[], key: DateFacetKey): { from: string; to: string } {
  const { min, max } = rangeOf(facets, key);
  return { from: dayOf(min), to: dayOf(max) };
}

function dayOf(end: string): string {
  if (end === '') return '';
  if (/^\d{1,15}$/.test(end)) return new Date(Number(end)).toISOString().slice(0, 10);
  return end.slice(0, 10);
}

/**
 * The facets with `key` set to the days from–to, both included (the end is the last millisecond of its day, as the
 * API compares times with ≤); an end that is not a whole day is left open, both open removes the facet.
 */
export function withDateRange(facets: string[], key: DateFacetKey, from: string, to: string): string[] {
  const min = DAY.test(from) ? from : '';
  const max = DAY.test(to) ? `${to}${END_OF_DAY}` : '';
  return withRange(facets, key, min, max);
}

/** A time span of the results (epoch ms) as the UTC days it covers, for the date facets' hints. */
export const daySpan = (span: { min: number; max: number }) =>
  `${new Date(span.min).toISOString().slice(0, 10)} – ${new Date(span.max).toISOString().slice(0, 10)}`;

/** How a chosen facet is named in the list of filters: date ranges as their days, the rest as the API writes them. */
export function facetLabel(facet: string): string {
  const key = facet.slice(0, facet.indexOf('='));
  if (key !== 'created' && key !== 'updated') return facet;
  const { from, to } = dateRangeOf([facet], key);
  const title = key === 'created' ? 'Created' : 'Updated';
  if (from && to) return `${title} ${from} – ${to}`;
  return from ? `${title} from ${from}` : `${title} to ${to}`;
}
