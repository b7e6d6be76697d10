import type { IndexedDocument, IndexedFacetRow } from '../domain/search/search-document.js';

/** The discovery index (migration 0036): derived from the entities, rewritten in the transaction that changes them. */
/** One row per indexed entity: exactly what the domain builds for it. */
export type SearchDocumentsTable = IndexedDocument;

/** One row per facet value of a document. */
export type SearchFacetsTable = IndexedFacetRow;

export interface SearchMetricsTable {
  doc_id: string;
  key: string;
  value: number;
}

export interface SearchDatabase {
  search_documents: SearchDocumentsTable;
  search_facets: SearchFacetsTable;
  search_metrics: SearchMetricsTable;
}
