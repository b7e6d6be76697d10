import type { ProblemLog } from '../../../domain/provenance/verification-report.js';
import { keyedPages } from '../../../store/readers/keyed-table-pages.js';
import type { SavedSearchesTable, SearchUsagePreferencesTable } from '../../../store/schema-search.js';
import type { Executor } from '../../../store/store.js';
import { savedSearchStateOf } from '../../search/saved-search-service.js';
import { type RecordedRowKind, verifyRecordedRows } from './recorded-rows.js';

/**
 * Whether someone's search opens are recorded is their choice: a preference turned back on behind the server's back
 * must show. The opens an opt-out forgot are the event's own (nothing in the row counts them).
 */
export const searchPreferenceKind: RecordedRowKind<SearchUsagePreferencesTable> = {
  entityKind: 'search_preference',
  noun: 'search preference',
  ...keyedPages('search_usage_preferences'),
  entityId: (row) => row.principal_id,
  label: (row) => `search preference of principal ${row.principal_id}`,
  current: (row) => ({ recordOpens: Number(row.record_opens) === 1, updatedTime: Number(row.updated_time) }),
  checkedElsewhere: ['forgottenOpens'],
};

/** A saved search is recorded whole when it is saved (it never changes); a delete removes it. */
export const savedSearchKind: RecordedRowKind<SavedSearchesTable> = {
  entityKind: 'saved_search',
  noun: 'saved search',
  ...keyedPages('saved_searches'),
  entityId: (row) => row.saved_search_id,
  label: (row) => `saved search '${row.name}' (${row.saved_search_id})`,
  current: savedSearchStateOf,
  deleteAction: 'saved_search.delete',
};

/** Discovery's settings and saved searches against their events. Returns the rows checked. */
export async function verifySearchSettings(db: Executor, problems: ProblemLog): Promise<number> {
  return (
    (await verifyRecordedRows(db, problems, searchPreferenceKind)) +
    (await verifyRecordedRows(db, problems, savedSearchKind))
  );
}
