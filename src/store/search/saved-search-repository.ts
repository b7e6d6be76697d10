import { CREATED_ENTITY_KINDS } from '../../domain/search/created-documents.js';
import type { SavedSearchesTable, SavedSearchSubscriptionsTable } from '../schema-search.js';
import type { Executor } from '../store.js';

export async function insertSavedSearch(db: Executor, row: SavedSearchesTable): Promise<void> {
  await db.insertInto('saved_searches').values(row).execute();
}

export async function findSavedSearch(db: Executor, id: string): Promise<SavedSearchesTable | undefined> {
  return db.selectFrom('saved_searches').selectAll().where('saved_search_id', '=', id).executeTakeFirst();
}

export async function savedSearchesOf(db: Executor, ownerId: string): Promise<SavedSearchesTable[]> {
  return db
    .selectFrom('saved_searches')
    .selectAll()
    .where('owner_id', '=', ownerId)
    .orderBy('created_time', 'desc')
    .orderBy('saved_search_id')
    .execute();
}

export async function deleteSavedSearch(db: Executor, id: string): Promise<void> {
  await db.deleteFrom('saved_search_subscriptions').where('saved_search_id', '=', id).execute();
  await db.deleteFrom('saved_searches').where('saved_search_id', '=', id).execute();
}

/** The name of the principal who saved a search, for the owner-or-admin check of its deletion. */
export async function savedSearchOwnerName(db: Executor, id: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('saved_searches')
    .innerJoin('principals', 'principals.principal_id', 'saved_searches.owner_id')
    .select('principals.name')
    .where('saved_searches.saved_search_id', '=', id)
    .executeTakeFirst();
  return row?.name;
}

/** Subscribes (again): an existing subscription keeps what it has looked at. Returns whether it is new. */
export async function insertSubscription(db: Executor, row: SavedSearchSubscriptionsTable): Promise<boolean> {
  const result = await db
    .insertInto('saved_search_subscriptions')
    .values(row)
    .onConflict((c) => c.columns(['saved_search_id', 'principal_id']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

export async function deleteSubscription(db: Executor, savedSearchId: string, principalId: string): Promise<boolean> {
  const result = await db
    .deleteFrom('saved_search_subscriptions')
    .where('saved_search_id', '=', savedSearchId)
    .where('principal_id', '=', principalId)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export async function isSubscribed(db: Executor, savedSearchId: string, principalId: string): Promise<boolean> {
  const row = await db
    .selectFrom('saved_search_subscriptions')
    .select('principal_id')
    .where('saved_search_id', '=', savedSearchId)
    .where('principal_id', '=', principalId)
    .executeTakeFirst();
  return row !== undefined;
}

/** Every subscription with its saved search. */
export async function subscriptionsToCheck(db: Executor) {
  return db
    .selectFrom('saved_search_subscriptions as s')
    .innerJoin('saved_searches as q', 'q.saved_search_id', 's.saved_search_id')
    .select(['s.saved_search_id', 's.principal_id', 's.checked_seq', 'q.name', 'q.query', 'q.types', 'q.facets'])
    .orderBy('s.saved_search_id')
    .orderBy('s.principal_id')
    .execute();
}

/**
 * Moves a subscription's mark forward to an audit event, unless another replica moved it first (then false: it
 * notified already).
 */
export async function advanceSubscription(
  db: Executor,
  key: { savedSearchId: string; principalId: string },
  move: { fromSeq: number; toSeq: number; at: number },
): Promise<boolean> {
  const result = await db
    .updateTable('saved_search_subscriptions')
    .set({ checked_seq: move.toSeq, checked_until: move.at })
    .where('saved_search_id', '=', key.savedSearchId)
    .where('principal_id', '=', key.principalId)
    .where('checked_seq', '=', move.fromSeq)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/**
 * The creations among the audit events after `afterSeq` up to `toSeq` (both committed: see the watcher), of the
 * entity kinds search shows.
 */
export async function creationsBetween(
  db: Executor,
  afterSeq: number,
  toSeq: number,
): Promise<{ action: string; entityKind: string; entityId: string }[]> {
  const rows = await db
    .selectFrom('audit_events')
    .select(['action', 'entity_kind', 'entity_id'])
    .where('seq', '>', afterSeq)
    .where('seq', '<=', toSeq)
    .where('entity_kind', 'in', CREATED_ENTITY_KINDS)
    .where('action', 'like', '%.create')
    .orderBy('seq')
    .execute();
  return rows.map((r) => ({ action: r.action, entityKind: r.entity_kind, entityId: r.entity_id }));
}
