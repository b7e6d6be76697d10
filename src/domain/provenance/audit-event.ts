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
