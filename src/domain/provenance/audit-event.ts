import { hash } from 'node:crypto';
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

// One-shot hashing: no Hash object per call, which matters when a whole log is verified.
export const sha256Hex = (data: string | Uint8Array): string => hash('sha256', data, 'hex');

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
export const auditLeafBytes = (event: StoredAuditEvent): Buffer => Buffer.from(auditLeafJson(event), 'utf8');

/** The leaf as text: what `auditLeafBytes` encodes as UTF-8. */
export const auditLeafJson = (event: StoredAuditEvent): string => auditEventTexts(event).leaf;

/** Recomputes an event's hash from its fields alone (whatever else the object carries is ignored). */
export const recomputeEventHash = (event: AuditEvent): string => sha256Hex(eventTexts(event, undefined).hashed);

/** The two texts a stored event is hashed as: the JSON its own hash covers, and its Merkle leaf. */
export interface AuditEventTexts {
  hashed: string;
  leaf: string;
}

/** Both texts of a stored event, its fields serialised once: verification needs both for every event of the log. */
export const auditEventTexts = (event: StoredAuditEvent): AuditEventTexts => eventTexts(event, event.hash);

/**
 * The canonical JSON of an event's fields (and, for the leaf, the same with its hash), written out in sorted key
 * order rather than through the generic canonicalizer: it is the log walk's hottest line. For well-formed fields the
 * text is exactly what canonicalJson gives (strings and numbers serialise as JSON.stringify does, which is what
 * RFC 8785 prescribes; the unit test holds the two to it); anything else — a missing field or a wrong type in a proof
 * someone sent — goes through canonicalJson so it is treated as before. "hash" sorts between "entityKind" and
 * "prevHash", so the leaf is the hashed text with one member spliced in.
 */
function eventTexts(event: AuditEvent, hash: string | undefined): AuditEventTexts {
  const { seq, time, actor, action, entityKind, entityId, stateDigest, requestId, prevHash } = event;
  const wellFormed =
    typeof action === 'string' &&
    typeof actor === 'string' &&
    typeof entityId === 'string' &&
    typeof entityKind === 'string' &&
    typeof prevHash === 'string' &&
    typeof requestId === 'string' &&
    typeof stateDigest === 'string' &&
    Number.isFinite(seq) &&
    Number.isFinite(time) &&
    (hash === undefined || typeof hash === 'string');
  if (!wellFormed) {
    const fields = { seq, time, actor, action, entityKind, entityId, stateDigest, requestId, prevHash };
    const hashed = canonicalJson(fields);
    return { hashed, leaf: hash === undefined ? hashed : canonicalJson({ ...fields, hash }) };
  }
  const text = JSON.stringify;
  const head = `{"action":${text(action)},"actor":${text(actor)},"entityId":${text(entityId)},"entityKind":${text(entityKind)},`;
  const tail = `"prevHash":${text(prevHash)},"requestId":${text(requestId)},"seq":${text(seq)},"stateDigest":${text(stateDigest)},"time":${text(time)}}`;
  return { hashed: head + tail, leaf: hash === undefined ? head + tail : `${head}"hash":${text(hash)},${tail}` };
}
