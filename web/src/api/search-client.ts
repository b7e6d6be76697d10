import { request } from './client.js';
import type { Completion, SearchResults } from './types.js';

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
};

export const searchKeys = {
  search: (query: SearchRequest) => ['search', query] as const,
  complete: (prefix: string) => ['search', 'complete', prefix] as const,
};
