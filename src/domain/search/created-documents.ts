import type { DiscoveryType } from './discovery-filters.js';
import { documentId } from './search-document.js';

/** The audit entity kinds whose creation makes a search document, and the document type each makes. */
const DOCUMENT_TYPE_OF_KIND: Readonly<Record<string, DiscoveryType>> = {
  experiment: 'experiment',
  run: 'run',
  registered_model: 'model',
  model_version: 'model_version',
  dataset: 'dataset',
  dataset_version: 'dataset_version',
  feature: 'feature',
  deployment: 'deployment',
};

export const CREATED_ENTITY_KINDS: readonly string[] = Object.keys(DOCUMENT_TYPE_OF_KIND);

/** An audit event as far as finding new search results needs it. */
export interface CreationEvent {
  action: string;
  entityKind: string;
  entityId: string;
}

/** Every creation is recorded as `<kind>.create` or `lineage.<kind>.create`. */
export const isCreation = (action: string): boolean => action.endsWith('.create');

/**
 * The search documents that audit events created, each once, in the order first created: what a saved search's new
 * results are drawn from. Events that change or remove an entity, and entities search does not show, are left out.
 */
export function createdDocumentIds(events: readonly CreationEvent[]): string[] {
  const ids = new Set<string>();
  for (const event of events) {
    const type = DOCUMENT_TYPE_OF_KIND[event.entityKind];
    if (type && isCreation(event.action)) ids.add(documentId(type, event.entityId));
  }
  return [...ids];
}
