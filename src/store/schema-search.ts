/** The discovery index (migration 0036): derived from the entities, rewritten in the transaction that changes them. */
export interface SearchDocumentsTable {
  /** `<entity_type>:<entity_id>`. */
  doc_id: string;
  entity_type: string;
  entity_id: string;
  name: string;
  /** The name as exact-match and completion compare it: normalised words joined by single spaces. */
  name_key: string;
  name_words: string;
  body_words: string;
  keyword_words: string;
  people_words: string;
  stage: string | null;
  /** 1 when the entity is (or has a version) in Production: a ranking boost. */
  production: number;
  /** The experiment, registered model or dataset whose read permission decides who sees the document. */
  experiment_id: string | null;
  model_id: string | null;
  dataset_id: string | null;
  /** JSON: the fields a result shows (description, model name and version, …). */
  summary: string;
  created_time: number;
  updated_time: number;
}

export interface SearchFacetsTable {
  doc_id: string;
  facet: string;
  value: string;
  value_key: string;
}

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
