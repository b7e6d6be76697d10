import type { KeyObject } from 'node:crypto';
import { canonicalJson } from './canonical-json.js';
import { pae } from './dsse.js';
import { HASH_HEX } from './merkle-hash.js';
import { signBytes, strictBase64, verifyBytes } from './signing-key.js';
import type { TrustedKeys } from './trusted-keys.js';

/** The DSSE payload type of a checkpoint: signatures over checkpoints can never be replayed as anything else. */
export const CHECKPOINT_PAYLOAD_TYPE = 'application/vnd.mnemo.checkpoint+json';

/** A signed statement that the audit log had `treeSize` events with this Merkle root at `time`. */
export interface CheckpointBody {
  treeSize: number;
  rootHash: string;
  time: number;
  keyId: string;
}

export interface SignedCheckpoint extends CheckpointBody {
  /** Ed25519 over PAE(CHECKPOINT_PAYLOAD_TYPE, canonical JSON of the body), base64. */
  signature: string;
}

export const checkpointPayload = (body: CheckpointBody): Buffer =>
  Buffer.from(
    canonicalJson({ treeSize: body.treeSize, rootHash: body.rootHash, time: body.time, keyId: body.keyId }),
    'utf8',
  );

export function signCheckpoint(body: CheckpointBody, privateKey: KeyObject): SignedCheckpoint {
  const signature = signBytes(privateKey, pae(CHECKPOINT_PAYLOAD_TYPE, checkpointPayload(body)));
  return { ...body, signature: signature.toString('base64') };
}

/** Returns why a checkpoint is not valid, or undefined when it is well formed and signed by the named trusted key. */
export function checkpointProblem(checkpoint: unknown, keys: TrustedKeys): string | undefined {
  if (typeof checkpoint !== 'object' || checkpoint === null) return 'the checkpoint is missing';
  const c = checkpoint as Partial<Record<keyof SignedCheckpoint, unknown>>;
  if (!Number.isSafeInteger(c.treeSize) || (c.treeSize as number) < 0) return 'the checkpoint has no valid treeSize';
  if (typeof c.rootHash !== 'string' || !HASH_HEX.test(c.rootHash)) return 'the checkpoint has no valid rootHash';
  if (!Number.isSafeInteger(c.time)) return 'the checkpoint has no valid time';
  if (typeof c.keyId !== 'string') return 'the checkpoint names no keyId';
  const key = keys.get(c.keyId);
  if (!key) return `the checkpoint is signed by key ${c.keyId}, which is not among the trusted keys`;
  const signature = strictBase64(c.signature);
  if (!signature) return 'the checkpoint signature is missing or not base64';
  const body = c as CheckpointBody;
  if (!verifyBytes(key, pae(CHECKPOINT_PAYLOAD_TYPE, checkpointPayload(body)), signature)) {
    return `the checkpoint signature does not verify with key ${c.keyId}`;
  }
  return undefined;
}
