import type { StoredAuditEvent } from '../../../domain/provenance/audit-event.js';
import type { AuditEventsTable } from '../../schema.js';

export function toStoredEvent(row: AuditEventsTable): StoredAuditEvent {
  return {
    seq: row.seq,
    time: row.event_time,
    actor: row.actor,
    action: row.action,
    entityKind: row.entity_kind,
    entityId: row.entity_id,
    stateDigest: row.state_digest,
    requestId: row.request_id,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

export function toEventRow(event: StoredAuditEvent): AuditEventsTable {
  return {
    seq: event.seq,
    event_time: event.time,
    actor: event.actor,
    action: event.action,
    entity_kind: event.entityKind,
    entity_id: event.entityId,
    state_digest: event.stateDigest,
    request_id: event.requestId,
    prev_hash: event.prevHash,
    hash: event.hash,
  };
}
