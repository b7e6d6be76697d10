import type { DiscoveryType, TermFacet } from './discovery-filters.js';
import { normalizeWords } from './search-text.js';

/** Facets completion draws from, beside the term facets searches narrow by. */
export const COMPLETION_FACETS = ['name', 'tag_key', 'tag_value', 'param_key', 'metric_key', 'owner'] as const;
export type CompletionFacet = (typeof COMPLETION_FACETS)[number];
export type IndexedFacet = TermFacet | CompletionFacet | 'team_member';

/** What an entity contributes to the discovery index, gathered from its rows (values stored sealed are left out). */
export interface DocumentFacts {
  type: DiscoveryType;
  id: string;
  name: string;
  /** Descriptions, model cards, release notes, notes. */
  texts: (string | null | undefined)[];
  /** Tag keys and values, aliases, param and metric keys, task types and the like. */
  keywords: (string | null | undefined)[];
  /** Owners and teams. */
  people: (string | null | undefined)[];
  stage: string | null;
  production: boolean;
  scope: { experimentId?: string; modelId?: string; datasetId?: string };
  facets: [IndexedFacet, string | null | undefined][];
  numbers: [string, number][];
  summary: Record<string, unknown>;
  createdTime: number;
  updatedTime: number;
}

/** A document of the discovery index, as its row in `search_documents` holds it. */
export interface IndexedDocument {
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

export interface IndexedFacetRow {
  doc_id: string;
  facet: string;
  value: string;
  value_key: string;
}

/** Longest text a document indexes per field: a model card is searchable, a pasted log file does not bloat the index. */
const MAX_FIELD_CHARS = 20_000;
/** Longest facet value kept: tag values can be long, and facets are for narrowing, not for reading. */
export const MAX_FACET_CHARS = 250;

export const documentId = (type: DiscoveryType, id: string): string => `${type}:${id}`;

const words = (parts: readonly (string | null | undefined)[]): string =>
  normalizeWords(
    parts
      .filter((p): p is string => typeof p === 'string' && p !== '')
      .join(' ')
      .slice(0, MAX_FIELD_CHARS),
  );

/** The rows the index stores for an entity: its document, its facet values, its numeric values. */
export function indexRows(facts: DocumentFacts): {
  document: IndexedDocument;
  facets: IndexedFacetRow[];
  numbers: { doc_id: string; key: string; value: number }[];
} {
  const docId = documentId(facts.type, facts.id);
  const seen = new Set<string>();
  const facets: IndexedFacetRow[] = [];
  for (const [facet, raw] of [['name', facts.name] as const, ...facts.facets]) {
    if (typeof raw !== 'string' || raw === '') continue;
    const value = facetValue(raw);
    const key = `${facet}\0${value}`;
    if (seen.has(key)) continue;
    seen.add(key);
    facets.push({ doc_id: docId, facet, value, value_key: normalizeWords(value) });
  }
  return {
    document: {
      doc_id: docId,
      entity_type: facts.type,
      entity_id: facts.id,
      name: facts.name,
      name_key: normalizeWords(facts.name),
      name_words: words([facts.name]),
      body_words: words(facts.texts),
      keyword_words: words(facts.keywords),
      people_words: words(facts.people),
      stage: facts.stage,
      production: facts.production ? 1 : 0,
      experiment_id: facts.scope.experimentId ?? null,
      model_id: facts.scope.modelId ?? null,
      dataset_id: facts.scope.datasetId ?? null,
      summary: JSON.stringify(facts.summary),
      created_time: facts.createdTime,
      updated_time: facts.updatedTime,
    },
    facets,
    numbers: indexedNumbers(docId, facts.numbers),
  };
}

/** A document's numeric values as the index stores them: finite values only, under keys cut as facet values are. */
export function indexedNumbers(
  docId: string,
  numbers: readonly (readonly [string, number])[],
): { doc_id: string; key: string; value: number }[] {
  const kept = new Map<string, number>();
  for (const [key, value] of numbers) if (Number.isFinite(value)) kept.set(facetValue(key), value);
  return [...kept].map(([key, value]) => ({ doc_id: docId, key, value }));
}

/** A facet value as the index stores it. */
export function facetValue(raw: string): string {
  return raw.slice(0, MAX_FACET_CHARS);
}
