import { auditLeafBytes, recomputeEventHash, type StoredAuditEvent } from './audit-event.js';
import { checkpointProblem, type SignedCheckpoint } from './checkpoint.js';
import { hashFromHex, leafHash } from './merkle-hash.js';
import { verifyInclusion } from './merkle-verify.js';
import type { TrustedKeys } from './trusted-keys.js';

export const INCLUSION_PROOF_FORMAT = 'mnemo.audit.inclusion-proof/v1';

/**
 * Everything needed to convince someone offline that an audit event is in the log: the event, its inclusion path
 * (hex hashes, deepest first) and the signed checkpoint whose root the path leads to. Leaf index = seq - 1.
 */
export interface InclusionProofBundle {
  format: typeof INCLUSION_PROOF_FORMAT;
  event: StoredAuditEvent;
  leafIndex: number;
  treeSize: number;
  inclusionPath: string[];
  checkpoint: SignedCheckpoint;
}

const EVENT_STRINGS = ['actor', 'action', 'entityKind', 'entityId', 'stateDigest', 'requestId', 'prevHash', 'hash'];

/** Returns why the bundle does not prove its event's inclusion, or undefined when it does. */
export function inclusionBundleProblem(bundle: unknown, keys: TrustedKeys): string | undefined {
  if (typeof bundle !== 'object' || bundle === null) return 'the proof is not a JSON object';
  const b = bundle as Partial<Record<keyof InclusionProofBundle, unknown>>;
  if (b.format !== INCLUSION_PROOF_FORMAT) return `the proof format is not ${INCLUSION_PROOF_FORMAT}`;
  const event = b.event as Record<string, unknown> | undefined;
  if (typeof event !== 'object' || event === null) return 'the proof carries no event';
  if (!Number.isSafeInteger(event.seq) || !Number.isSafeInteger(event.time)) return 'the event has no valid seq/time';
  const missing = EVENT_STRINGS.find((field) => typeof event[field] !== 'string');
  if (missing) return `the event has no string field '${missing}'`;
  const stored = event as unknown as StoredAuditEvent;
  if (recomputeEventHash(stored) !== stored.hash) return `event ${stored.seq} does not match its hash (it was edited)`;
  if (b.leafIndex !== stored.seq - 1) return `the leaf index must be the event's seq - 1 (${stored.seq - 1})`;
  const problem = checkpointProblem(b.checkpoint, keys);
  if (problem) return problem;
  const checkpoint = b.checkpoint as SignedCheckpoint;
  if (b.treeSize !== checkpoint.treeSize) return 'the proof is for another tree size than its checkpoint';
  if (!Array.isArray(b.inclusionPath)) return 'the proof has no inclusionPath';
  const path = b.inclusionPath.map((h) => hashFromHex(h as string));
  if (path.some((h) => h === undefined)) return 'the inclusion path holds a value that is not a SHA-256 hex hash';
  const root = hashFromHex(checkpoint.rootHash)!;
  const leaf = leafHash(auditLeafBytes(stored));
  if (!verifyInclusion(leaf, stored.seq - 1, checkpoint.treeSize, path as Buffer[], root)) {
    return `the inclusion path does not lead from event ${stored.seq} to the checkpoint root`;
  }
  return undefined;
}
