import { parseRecordedState } from '../../../domain/provenance/run-expectations.js';
import type { Executor } from '../../../store/store.js';
import type { EntityEvent } from './entity-events.js';

/**
 * The latest event of each of a page of entities of one kind, with its state, in one query over the
 * (entity kind, entity id, seq) index rather than one query per entity. Entities without events are left out.
 */
export async function latestEvents(
  db: Executor,
  entityKind: string,
  entityIds: readonly string[],
): Promise<Map<string, EntityEvent>> {
  const latest = new Map<string, EntityEvent>();
  if (entityIds.length === 0) return latest;
  const newest = db
    .selectFrom('audit_events')
    .select((eb) => eb.fn.max('seq').as('seq'))
    .where('entity_kind', '=', entityKind)
    .where('entity_id', 'in', [...new Set(entityIds)])
    .groupBy('entity_id');
  const rows = await db
    .selectFrom('audit_events')
    .leftJoin('audit_states', 'audit_states.seq', 'audit_events.seq')
    .select([
      'audit_events.seq',
      'audit_events.entity_id',
      'audit_events.action',
      'audit_events.state_digest',
      'audit_states.state',
    ])
    .where('audit_events.seq', 'in', newest)
    .execute();
  for (const row of rows) {
    latest.set(row.entity_id, {
      seq: Number(row.seq),
      action: row.action,
      stateDigest: row.state_digest,
      state: parseRecordedState(row.state),
    });
  }
  return latest;
}
