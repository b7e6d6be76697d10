/** What the audit log records of discovery's settings: each row as it is stored after the change. */

export interface SearchPreferenceState {
  /** Whether this person's opens of search results are recorded to shape their teams' rankings. */
  recordOpens: boolean;
  updatedTime: number;
  /** Opens of theirs deleted by this change (opting out forgets what was recorded). */
  forgottenOpens: number;
}

export interface SavedSearchState {
  ownerId: string;
  name: string;
  query: string;
  types: string[];
  facets: string[];
  creationTime: number;
}

export interface SavedSearchSubscriptionState {
  savedSearchId: string;
  principalId: string;
  creationTime: number;
}
