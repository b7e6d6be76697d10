import { notFound } from '../../domain/errors.js';
import type { SavedSearchState } from '../../domain/provenance/audit-events/search-states.js';
import { checkSavedSearch, type SavedSearch, type SavedSearchInput } from '../../domain/search/saved-search.js';
import { readAuditHead } from '../../store/repositories/provenance/audit-event-repository.js';
import type { SavedSearchesTable } from '../../store/schema-search.js';
import {
  deleteSavedSearch,
  deleteSubscription,
  findSavedSearch,
  insertSavedSearch,
  insertSubscription,
  isSubscribed,
  savedSearchesOf,
  savedSearchOwnerName,
} from '../../store/search/saved-search-repository.js';
import { newId } from '../ids.js';
import type { ServiceDeps } from '../service-deps.js';

/**
 * Searches kept under a name. A saved search holds the question, never its answers: whoever opens its link runs it
 * with their own permissions, so sharing one shows nobody what they may not read. Its id is random and unguessable;
 * the link is what is shared.
 */
export class SavedSearchService {
  constructor(private readonly deps: Pick<ServiceDeps, 'store' | 'unitOfWork' | 'now'>) {}

  async create(ownerId: string, input: SavedSearchInput): Promise<SavedSearch> {
    const checked = checkSavedSearch(input);
    const row: SavedSearchesTable = {
      saved_search_id: newId(),
      owner_id: ownerId,
      name: checked.name,
      query: checked.q,
      types: JSON.stringify(checked.types),
      facets: JSON.stringify(checked.facets),
      created_time: this.deps.now(),
    };
    await this.deps.unitOfWork.write(async ({ db, audit }) => {
      await insertSavedSearch(db, row);
      audit({
        action: 'saved_search.create',
        entityKind: 'saved_search',
        entityId: row.saved_search_id,
        state: savedSearchStateOf(row),
      });
    });
    return toSavedSearch(row);
  }

  async get(id: string): Promise<SavedSearch> {
    const row = await findSavedSearch(this.deps.store.db, id);
    if (!row) throw notFound(`Saved search '${id}' does not exist`);
    return toSavedSearch(row);
  }

  async listOwn(ownerId: string): Promise<SavedSearch[]> {
    return (await savedSearchesOf(this.deps.store.db, ownerId)).map(toSavedSearch);
  }

  /** Who saved it (by name), for the check that only they or an administrator delete it. */
  ownerName(id: string): Promise<string | undefined> {
    return savedSearchOwnerName(this.deps.store.db, id);
  }

  async isSubscribed(id: string, principalId: string): Promise<boolean> {
    return isSubscribed(this.deps.store.db, id, principalId);
  }

  /**
   * Subscribes the caller: from now on, new results of the search that they may read are announced in their inbox.
   * Results that exist already are not.
   */
  async subscribe(id: string, principalId: string): Promise<void> {
    await this.deps.unitOfWork.write(async ({ db, audit }) => {
      if (!(await findSavedSearch(db, id))) throw notFound(`Saved search '${id}' does not exist`);
      const now = this.deps.now();
      // Inside the write the log's head is this transaction's own: every creation after it is new to the subscriber.
      const head = Number((await readAuditHead(db)).lastSeq);
      const row = {
        saved_search_id: id,
        principal_id: principalId,
        checked_until: now,
        checked_seq: head,
        created_time: now,
      };
      if (!(await insertSubscription(db, row))) return;
      audit({
        action: 'saved_search.subscribe',
        entityKind: 'saved_search_subscription',
        entityId: `${id}/${principalId}`,
        state: { savedSearchId: id, principalId, creationTime: now },
      });
    });
  }

  async unsubscribe(id: string, principalId: string): Promise<void> {
    await this.deps.unitOfWork.write(async ({ db, audit }) => {
      if (!(await findSavedSearch(db, id))) throw notFound(`Saved search '${id}' does not exist`);
      if (!(await deleteSubscription(db, id, principalId))) return;
      audit({
        action: 'saved_search.unsubscribe',
        entityKind: 'saved_search_subscription',
        entityId: `${id}/${principalId}`,
        state: { deleted: true },
      });
    });
  }

  async delete(id: string): Promise<void> {
    await this.deps.unitOfWork.write(async ({ db, audit }) => {
      if (!(await findSavedSearch(db, id))) throw notFound(`Saved search '${id}' does not exist`);
      await deleteSavedSearch(db, id);
      audit({ action: 'saved_search.delete', entityKind: 'saved_search', entityId: id, state: { deleted: true } });
    });
  }
}

/** What the audit log records of a saved search; `mnemo audit verify` compares the row against it. */
export function savedSearchStateOf(row: SavedSearchesTable): SavedSearchState {
  return {
    ownerId: row.owner_id,
    name: row.name,
    query: row.query,
    types: JSON.parse(row.types) as string[],
    facets: JSON.parse(row.facets) as string[],
    creationTime: Number(row.created_time),
  };
}

function toSavedSearch(row: SavedSearchesTable): SavedSearch {
  const state = savedSearchStateOf(row);
  return {
    savedSearchId: row.saved_search_id,
    ownerId: state.ownerId,
    name: state.name,
    q: state.query,
    types: state.types,
    facets: state.facets,
    creationTime: state.creationTime,
  };
}
