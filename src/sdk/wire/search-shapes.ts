/** Shapes of the discovery search (`GET /api/v1/search`, `GET /api/v1/search/autocomplete`). */

export type SearchEntityType =
  | 'model'
  | 'model_version'
  | 'experiment'
  | 'run'
  | 'dataset'
  | 'dataset_version'
  | 'feature'
  | 'deployment';

/** A stretch of text, `match` when it is a word the query matched: render marked segments highlighted. */
export interface SearchHighlightSegment {
  text: string;
  match: boolean;
}

export interface SearchHit {
  type: SearchEntityType;
  /** The entity's id: a model id, `<model id>/<version>` for a version, a run id, … */
  id: string;
  name: string;
  stage: string | null;
  score: number;
  createdTime: number;
  updatedTime: number;
  /** What a result shows besides its name (description, model and version, status…), per type. */
  summary: Record<string, unknown>;
  highlights: { field: string; segments: SearchHighlightSegment[] }[];
}

export interface SearchFacetValue {
  value: string;
  count: number;
}

export interface SearchResults {
  /** Matching results the caller may read, over every page. */
  total: number;
  hits: SearchHit[];
  /** This page's hits grouped by type, groups in the order of their best hit. */
  groups: { type: SearchEntityType; hits: SearchHit[] }[];
  nextPageToken?: string;
  /** The page before this one (absent on the first page), at the same page size. */
  previousPageToken?: string;
  facets: {
    /** Results per type, whatever the `type` filter (the other groups are a click away). */
    types: SearchFacetValue[];
    /** Per term facet (stage, alias, team, tag, dataset, feature…), its most frequent values among the results. */
    terms: Record<string, SearchFacetValue[]>;
    /** Numeric values the results carry (metrics, `@latency_budget_ms`): their spread, for range facets. */
    numbers: { key: string; min: number; max: number; count: number }[];
    created: { min: number; max: number } | null;
    updated: { min: number; max: number } | null;
  };
}

export type CompletionKind = 'name' | 'tag_key' | 'tag_value' | 'param_key' | 'metric_key' | 'owner';

export interface Completion {
  kind: CompletionKind;
  value: string;
  /** How many readable entities hold it. */
  count: number;
  /** Edits between what was typed and this value's start: 0 for a prefix match. */
  distance: number;
}

export interface Completions {
  completions: Completion[];
}

/** One experiment starter: a past run's params, the metric it reached and why it was chosen. */
export interface ParamSuggestion {
  runId: string;
  runName: string;
  experimentId: string;
  experimentName: string;
  params: Record<string, string>;
  metric: { key: string; value: number; higherIsBetter: boolean };
  /** Weighted count of shared traits (dataset 3, task type 2, tag 1): higher is more alike. */
  similarity: number;
  reasons: string[];
}

/** `GET /api/v1/experiments/{id}/suggested-params` and `GET /api/v1/suggested-params`. */
export interface ParamSuggestions {
  /** The metric runs were ranked by; null when no similar run reports one. */
  metricKey: string | null;
  suggestions: ParamSuggestion[];
}

/** `GET /api/v1/registered-models/{name}/similar`: most similar first, each with why. */
export interface SimilarModels {
  models: { name: string; score: number; reasons: string[] }[];
}

/** Whether the caller's opens of search results are recorded (`/api/v1/search/usage-preference`). */
export interface SearchUsagePreference {
  recordOpens: boolean;
}

/** The answer to recording an open: false when the caller opted out and nothing was kept. */
export interface RecordedOpen {
  recorded: boolean;
}

/** A search kept under a name (`/api/v1/saved-searches`); `path` is the UI link that opens it. */
/** Whether the caller is told (in their inbox, and by SAVED_SEARCH.NEW_RESULTS webhooks) of a search's new results. */
export interface SavedSearchSubscription {
  subscribed: boolean;
}

export interface SavedSearch {
  id: string;
  name: string;
  q: string;
  types: SearchEntityType[];
  facets: string[];
  createdAt: number;
  path: string;
}
