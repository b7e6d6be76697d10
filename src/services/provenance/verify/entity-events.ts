import { parseRecordedState } from '../../../domain/provenance/run-expectations.js';
import { entitiesAfter, entityEventsAfter } from '../../../store/readers/audit-event-reads.js';
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
