import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json.js';

/** One entry of the audit log as it is hashed: everything but its own hash. */
export interface AuditEvent {
  seq: number;
  time: number;
  actor: string;
  action: string;
  entityKind: string;
  entityId: string;
  stateDigest: string;
  requestId: string;
  prevHash: string;
}

export const sha256Hex = (data: string | Uint8Array): string => createHash('sha256').update(data).digest('hex');

/** The digest recorded for an entity's new state: sha256 of its canonical JSON. */
export const stateDigest = (state: unknown): string => sha256Hex(canonicalJson(state));

/** Each event's hash covers its canonical JSON, which includes the previous hash: editing any event breaks the chain. */
export const auditEventHash = (event: AuditEvent): string => sha256Hex(canonicalJson(event));

/** An event as stored and published: its fields plus the hash that covers them. */
export interface StoredAuditEvent extends AuditEvent {
  hash: string;
}

/**
 * The bytes of an event's leaf in the Merkle log: the canonical JSON of the event including its own hash. A proof
 * then carries the event itself, and a verifier needs nothing but the event to recompute both its hash and its leaf.
 */
export const auditLeafBytes = (event: StoredAuditEvent): Buffer =>
  Buffer.from(
    canonicalJson({
      seq: event.seq,
      time: event.time,
      actor: event.actor,
      action: event.action,
      entityKind: event.entityKind,
      entityId: event.entityId,
      stateDigest: event.stateDigest,
      requestId: event.requestId,
      prevHash: event.prevHash,
      hash: event.hash,
    }),
    'utf8',
  );

/** Recomputes an event's hash from its fields alone (whatever else the object carries is ignored). */
export const recomputeEventHash = (event: AuditEvent): string =>
  auditEventHash({
    seq: event.seq,
    time: event.time,
    actor: event.actor,
    action: event.action,
    entityKind: event.entityKind,
    entityId: event.entityId,
    stateDigest: event.stateDigest,
    requestId: event.requestId,
    prevHash: event.prevHash,
  });
