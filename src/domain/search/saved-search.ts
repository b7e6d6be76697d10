import { invalid } from '../errors.js';
import { parseDiscoveryFilters, parseDiscoveryTypes } from './discovery-filters.js';

export interface SavedSearchInput {
  name: string;
  q: string;
  types: readonly string[];
  facets: readonly string[];
}

export interface SavedSearch {
  savedSearchId: string;
  ownerId: string;
  name: string;
  q: string;
  types: string[];
  facets: string[];
  creationTime: number;
}

export const MAX_SAVED_NAME = 200;

/**
 * A search is saved only as one that runs: its types and facets are checked as the search checks them, so opening a
 * shared link never ends in a 400 its reader cannot fix. Returns the input as it is kept (the name trimmed).
 */
export function checkSavedSearch(input: SavedSearchInput): SavedSearchInput {
  const name = input.name.trim();
  if (name === '') throw invalid('A saved search needs a name');
  if (name.length > MAX_SAVED_NAME) throw invalid(`A saved search's name is at most ${MAX_SAVED_NAME} characters`);
  parseDiscoveryTypes(input.types);
  parseDiscoveryFilters(input.facets);
  return { name, q: input.q, types: [...new Set(input.types)], facets: [...new Set(input.facets)] };
}
