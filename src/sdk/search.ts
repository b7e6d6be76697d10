import { type FetchFunction, HttpClient } from './http-client.js';
import { type RetryOptions, retryFromEnvironment } from './retry-policy.js';
import { apiPath } from './url-path.js';
import type {
  Completion,
  CompletionKind,
  ParamSuggestions,
  RecordedOpen,
  SavedSearch,
  SavedSearchSubscription,
  SearchEntityType,
  SearchResults,
  SearchUsagePreference,
  SimilarModels,
} from './wire/search-shapes.js';

/** Typed client of Mnemo's discovery search (`/api/v1/search`): one search across every entity, completion and
 * experiment starters. */

export interface SearchOptions {
  /** Only these entity types (the type counts still cover every type). */
  types?: SearchEntityType[];
  /** Facets to narrow by, e.g. `stage=Production`, `tag.team=risk`, `metric.auc=0.85..0.95`. */
  facets?: string[];
  maxResults?: number;
  pageToken?: string;
}

export interface SearchClientOptions {
  /** Server root, e.g. http://127.0.0.1:5000. */
  url: string;
  token?: string;
  retry?: Partial<RetryOptions>;
  fetch?: FetchFunction;
}

export class SearchClient {
  private readonly http: HttpClient;
  /** For the one call that counts something: a single attempt. */
  private readonly once: HttpClient;

  constructor(options: SearchClientOptions) {
    // Searches change nothing, and setting a preference twice is setting it once: those calls may be retried.
    this.http = new HttpClient({
      url: options.url,
      token: options.token,
      fetch: options.fetch ?? fetch,
      retry: { ...retryFromEnvironment(), ...options.retry },
    });
    this.once = new HttpClient({
      url: options.url,
      token: options.token,
      fetch: options.fetch ?? fetch,
      retry: { ...retryFromEnvironment(), ...options.retry, attempts: 1 },
    });
  }

  /** Results the caller may read, best first, with facet counts; an empty query lists by recency. */
  async search(query: string, options: SearchOptions = {}): Promise<SearchResults> {
    const params = new URLSearchParams();
    if (query !== '') params.set('q', query);
    for (const type of options.types ?? []) params.append('type', type);
    for (const facet of options.facets ?? []) params.append('facet', facet);
    if (options.maxResults !== undefined) params.set('maxResults', String(options.maxResults));
    if (options.pageToken !== undefined) params.set('pageToken', options.pageToken);
    const text = params.toString();
    return this.http.request('GET', text === '' ? '/search' : `/search?${text}`);
  }

  /**
   * Tells the server a result was opened after searching `query`, so the caller's teams see it higher for that query.
   * Sent once, never retried: a retry after a lost answer would count the open twice.
   */
  async recordOpen(query: string, result: { type: SearchEntityType; id: string }): Promise<RecordedOpen> {
    return this.once.request('POST', '/search/opens', { json: { q: query, type: result.type, id: result.id } });
  }

  /** Whether the caller's opens are recorded. */
  async usagePreference(): Promise<SearchUsagePreference> {
    return this.http.request('GET', '/search/usage-preference');
  }

  /** Turns the recording of the caller's opens on or off; off also forgets those recorded so far. */
  async setUsagePreference(recordOpens: boolean): Promise<SearchUsagePreference> {
    return this.http.request('PUT', '/search/usage-preference', { json: { recordOpens } });
  }

  /** Saves a search under a name; share the answer's `path` (or its id) to let others open it. */
  async saveSearch(
    name: string,
    search: { q?: string; types?: SearchEntityType[]; facets?: string[] } = {},
  ): Promise<SavedSearch> {
    const body = { name, q: search.q ?? '', types: search.types ?? [], facets: search.facets ?? [] };
    return (await this.once.request<{ savedSearch: SavedSearch }>('POST', '/saved-searches', { json: body }))
      .savedSearch;
  }

  /** A saved search by id; run it with `search(s.q, { types: s.types, facets: s.facets })`. */
  async savedSearch(id: string): Promise<SavedSearch> {
    return (await this.http.request<{ savedSearch: SavedSearch }>('GET', apiPath`/saved-searches/${id}`)).savedSearch;
  }

  /** The caller's own saved searches, newest first. */
  async savedSearches(): Promise<SavedSearch[]> {
    return (await this.http.request<{ savedSearches: SavedSearch[] }>('GET', '/saved-searches')).savedSearches;
  }

  /** Whether the caller is subscribed to a saved search's new results. */
  async savedSearchSubscription(id: string): Promise<SavedSearchSubscription> {
    return this.http.request('GET', apiPath`/saved-searches/${id}/subscription`);
  }

  /** Subscribes the caller to (or, with `false`, unsubscribes them from) a saved search's new results. */
  async setSavedSearchSubscription(id: string, subscribed: boolean): Promise<SavedSearchSubscription> {
    return this.http.request(subscribed ? 'PUT' : 'DELETE', apiPath`/saved-searches/${id}/subscription`);
  }

  /** Completions of what was typed: prefix matches first, then near misses (a typo or two). */
  async autocomplete(
    prefix: string,
    options: { kinds?: CompletionKind[]; limit?: number } = {},
  ): Promise<Completion[]> {
    const params = new URLSearchParams({ prefix });
    for (const kind of options.kinds ?? []) params.append('kind', kind);
    if (options.limit !== undefined) params.set('limit', String(options.limit));
    return (await this.http.request<{ completions: Completion[] }>('GET', `/search/autocomplete?${params}`))
      .completions;
  }

  /** Params of the best finished runs of experiments similar to this one (by datasets, task type and tags). */
  async suggestedParams(experimentId: string, options: SuggestionOptions = {}): Promise<ParamSuggestions> {
    const query = suggestionQuery(options).toString();
    const path = apiPath`/experiments/${experimentId}/suggested-params`;
    return this.http.request('GET', query === '' ? path : `${path}?${query}`);
  }

  /** Params of the best runs of past experiments on these datasets, task type or tags (`key=value`). */
  async suggestedParamsFor(
    description: { datasets?: string[]; taskType?: string; tags?: string[] },
    options: SuggestionOptions = {},
  ): Promise<ParamSuggestions> {
    const params = suggestionQuery(options);
    for (const dataset of description.datasets ?? []) params.append('dataset', dataset);
    if (description.taskType !== undefined) params.set('taskType', description.taskType);
    for (const tag of description.tags ?? []) params.append('tag', tag);
    return this.http.request('GET', `/suggested-params?${params}`);
  }

  /** Registered models like this one (shared training datasets, features, task type, algorithm, tags), with why. */
  async similarModels(name: string, options: { limit?: number } = {}): Promise<SimilarModels> {
    const path = apiPath`/registered-models/${name}/similar`;
    return this.http.request('GET', options.limit === undefined ? path : `${path}?limit=${options.limit}`);
  }
}

export interface SuggestionOptions {
  /** The metric to rank runs by; by default the one most similar experiments report. */
  metric?: string;
  /** Suggestions at most (1 to 50, 5 by default). */
  limit?: number;
}

function suggestionQuery(options: SuggestionOptions): URLSearchParams {
  const params = new URLSearchParams();
  if (options.metric !== undefined) params.set('metric', options.metric);
  if (options.limit !== undefined) params.set('limit', String(options.limit));
  return params;
}
