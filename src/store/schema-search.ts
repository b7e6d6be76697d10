import type { IndexedDocument, IndexedFacetRow } from '../domain/search/search-document.js';

/** The discovery index (migration 0036): derived from the entities, rewritten in the transaction that changes them. */
/** One row per indexed entity: exactly what the domain builds for it. */
export type SearchDocumentsTable = IndexedDocument;

/** One row per facet value of a document. */
export type SearchFacetsTable = IndexedFacetRow;

/** Each distinct value of a completed facet once: completion's vocabulary (migration 0053). */
export type SearchTermsTable = Omit<IndexedFacetRow, 'doc_id'>;

export interface SearchMetricsTable {
  doc_id: string;
  key: string;
  value: number;
}

/** One open of a result, under one team of who opened it (migration 0047). */
export interface SearchOpensTable {
  open_id: string;
  /** `team:<id>`, or `user:<id>` for someone in no team (their opens then shape only their own results). */
  team_key: string;
  principal_id: string;
  /** The query's words, normalised; null once the retention period has passed (or when opened without a query). */
  query_key: string | null;
  doc_id: string;
  opened_time: number;
}

export interface SearchUsagePreferencesTable {
  principal_id: string;
  /** 0: this person's opens are not recorded. No row: they are. */
  record_opens: number;
  updated_time: number;
}

/** A search kept under a name (migration 0048). */
export interface SavedSearchesTable {
  saved_search_id: string;
  owner_id: string;
  name: string;
  query: string;
  /** JSON array of entity types. */
  types: string;
  /** JSON array of facets as the search takes them (`stage=Production`). */
  facets: string;
  created_time: number;
}

export interface SavedSearchSubscriptionsTable {
  saved_search_id: string;
  principal_id: string;
  /** When results were last looked at for this subscriber (informative; the mark is `checked_seq`). */
  checked_until: number;
  /** Entities created by audit events up to this one have been looked at for this subscriber (migration 0049). */
  checked_seq: number;
  created_time: number;
}

export interface SearchDatabase {
  search_documents: SearchDocumentsTable;
  search_facets: SearchFacetsTable;
  search_terms: SearchTermsTable;
  search_metrics: SearchMetricsTable;
  search_opens: SearchOpensTable;
  search_usage_preferences: SearchUsagePreferencesTable;
  saved_searches: SavedSearchesTable;
  saved_search_subscriptions: SavedSearchSubscriptionsTable;
}
