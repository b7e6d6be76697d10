import { request } from './client.js';
import type {
  Completion,
  SavedSearch,
  SavedSearchSubscription,
  SearchEntityType,
  SearchResults,
  SearchUsagePreference,
} from './types.js';

/** What the search page asks for: the words, the entity types and facets chosen, and the page. */
export interface SearchRequest {
  q: string;
  types: string[];
  facets: string[];
  pageToken?: string;
}

/** The discovery search as the UI reads it: one search over every entity, and completion as the user types. */
export const searchApi = {
  search: ({ q, types, facets, pageToken }: SearchRequest, signal?: AbortSignal) => {
    const params = new URLSearchParams();
    if (q.trim() !== '') params.set('q', q);
    for (const type of types) params.append('type', type);
    for (const facet of facets) params.append('facet', facet);
    if (pageToken) params.set('pageToken', pageToken);
    params.set('maxResults', '25');
    return request<SearchResults>('GET', `/search?${params}`, undefined, signal);
  },
  complete: (prefix: string, signal?: AbortSignal) =>
    request<{ completions: Completion[] }>(
      'GET',
      `/search/autocomplete?${new URLSearchParams({ prefix, limit: '8' })}`,
      undefined,
      signal,
    ),
  /** Tells the server a result was opened after this query (nothing is kept for someone who opted out). */
  recordOpen: (q: string, hit: { type: SearchEntityType; id: string }) =>
    request<{ recorded: boolean }>('POST', '/search/opens', { q, type: hit.type, id: hit.id }),
  saveSearch: (name: string, { q, types, facets }: SearchRequest) =>
    request<{ savedSearch: SavedSearch }>('POST', '/saved-searches', { name, q, types, facets }),
  savedSearch: (id: string, signal?: AbortSignal) =>
    request<{ savedSearch: SavedSearch }>('GET', `/saved-searches/${encodeURIComponent(id)}`, undefined, signal),
  savedSearches: (signal?: AbortSignal) =>
    request<{ savedSearches: SavedSearch[] }>('GET', '/saved-searches', undefined, signal),
  subscription: (id: string, signal?: AbortSignal) =>
    request<SavedSearchSubscription>(
      'GET',
      `/saved-searches/${encodeURIComponent(id)}/subscription`,
      undefined,
      signal,
    ),
  setSubscription: (id: string, subscribed: boolean) =>
    request<SavedSearchSubscription>(
      subscribed ? 'PUT' : 'DELETE',
      `/saved-searches/${encodeURIComponent(id)}/subscription`,
    ),
  usagePreference: () => request<SearchUsagePreference>('GET', '/search/usage-preference'),
  setUsagePreference: (recordOpens: boolean) =>
    request<SearchUsagePreference>('PUT', '/search/usage-preference', { recordOpens }),
};

export const searchKeys = {
  search: (query: SearchRequest) => ['search', query] as const,
  usagePreference: ['search', 'usage-preference'] as const,
  savedSearches: ['search', 'saved-list'] as const,
  savedSearch: (id: string) => ['search', 'saved', id] as const,
  subscription: (id: string) => ['search', 'saved', id, 'subscription'] as const,
  complete: (prefix: string) => ['search', 'complete', prefix] as const,
};
