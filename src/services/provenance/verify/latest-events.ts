import { parseRecordedState } from '../../../domain/provenance/run-expectations.js';
import { latestEventsOf } from '../../../store/readers/audit-event-reads.js';
import type { Executor } from '../../../store/store.js';
import type { EntityEvent } from './entity-events.js';

/** The latest event of each of a page of entities of one kind, with its state. Entities without events are left out. */
export async function latestEvents(
  db: Executor,
  entityKind: string,
  entityIds: readonly string[],
): Promise<Map<string, EntityEvent>> {
  const latest = new Map<string, EntityEvent>();
  if (entityIds.length === 0) return latest;
  for (const row of await latestEventsOf(db, entityKind, entityIds)) {
    latest.set(row.entity_id, {
      seq: Number(row.seq),
      action: row.action,
      stateDigest: row.state_digest,
      state: parseRecordedState(row.state),
    });
  }
  return latest;
}
