import { parseRecordedState } from '../../../domain/provenance/run-expectations.js';
import { entitiesAfter, entityEventsAfter, eventsWithAction } from '../../../store/readers/audit-event-reads.js';
import type { Executor } from '../../../store/store.js';

export interface EntityEvent {
  seq: number;
  action: string;
  stateDigest: string;
  /** Parsed state, or undefined when it was not kept (older events) or is not JSON. */
  state: unknown;
}

/** An entity's events in seq order with their states, a page at a time so long histories stay out of memory. */
export async function* entityEvents(db: Executor, entityKind: string, entityId: string): AsyncGenerator<EntityEvent> {
  let after = 0;
  for (;;) {
    const rows = await entityEventsAfter(db, entityKind, entityId, after, 100);
    for (const row of rows) {
      yield { seq: row.seq, action: row.action, stateDigest: row.state_digest, state: parseRecordedState(row.state) };
    }
    if (rows.length < 100) return;
    after = rows.at(-1)!.seq;
  }
}

/** Ids of entities of a kind that the log speaks of but whose rows are gone, a page at a time. */
export async function* vanishedEntities(
  db: Executor,
  entityKind: string,
  exists: (ids: string[]) => Promise<Set<string>>,
): AsyncGenerator<{ entityId: string; seq: number }> {
  let after = '';
  for (;;) {
    const rows = await entitiesAfter(db, entityKind, after, 500);
    if (rows.length === 0) return;
    const present = await exists(rows.map((r) => r.entity_id));
    for (const row of rows) if (!present.has(row.entity_id)) yield { entityId: row.entity_id, seq: row.seq };
    after = rows.at(-1)!.entity_id;
  }
}

/**
 * Which of these entities garbage collection purged: their rows are rightly gone, as the purge event says they went
 * on purpose (a row deleted without one is still reported).
 */
export async function purgedAmong(
  db: Executor,
  entityKind: 'run' | 'experiment' | 'model_version',
  entityIds: string[],
): Promise<Map<string, number>> {
  if (entityIds.length === 0) return new Map();
  const rows = await eventsWithAction(db, entityKind, entityIds, `${entityKind}.purge`);
  return new Map(rows.map((row) => [row.entity_id, Number(row.seq)]));
}

/** `exists` widened to the entities garbage collection purged. */
export function presentOrPurged(
  db: Executor,
  entityKind: 'run' | 'experiment' | 'model_version',
  exists: (ids: string[]) => Promise<Set<string>>,
): (ids: string[]) => Promise<Set<string>> {
  return async (ids) => {
    const present = await exists(ids);
    const missing = ids.filter((id) => !present.has(id));
    for (const id of (await purgedAmong(db, entityKind, missing)).keys()) present.add(id);
    return present;
  };
}
