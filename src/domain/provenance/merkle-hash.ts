import { createHash, hash } from 'node:crypto';

/**
 * RFC 6962 / RFC 9162 hashing with SHA-256. Leaves and interior nodes get different one-byte prefixes so a leaf can
 * never be passed off as a node (second-preimage resistance of the tree).
 */
export type Hash = Buffer;

const LEAF_PREFIX = Buffer.from([0x00]);
const NODE_PREFIX = Buffer.from([0x01]);

/** A text leaf is hashed as its UTF-8 bytes; U+0000 in front encodes as exactly the one-byte leaf prefix. */
export const leafHash = (leaf: Uint8Array | string): Hash =>
  typeof leaf === 'string'
    ? hash('sha256', `\u0000${leaf}`, 'buffer')
    : createHash('sha256').update(LEAF_PREFIX).update(leaf).digest();

/** Scratch space for a node's input: one-shot hashing of one buffer costs far less than a Hash object per node. */
const nodeInput = Buffer.alloc(65);

export function nodeHash(left: Uint8Array, right: Uint8Array): Hash {
  if (left.length !== 32 || right.length !== 32) {
    return createHash('sha256').update(NODE_PREFIX).update(left).update(right).digest();
  }
  nodeInput[0] = 0x01;
  nodeInput.set(left, 1);
  nodeInput.set(right, 33);
  return hash('sha256', nodeInput, 'buffer');
}

/** MTH({}) = SHA-256 of the empty string. */
export const EMPTY_TREE_ROOT: Hash = createHash('sha256').digest();

export const HASH_HEX = /^[0-9a-f]{64}$/;

/** Parses a lowercase hex SHA-256 value, refusing anything else so a malformed proof fails instead of throwing later. */
export function hashFromHex(hex: string): Hash | undefined {
  return typeof hex === 'string' && HASH_HEX.test(hex) ? Buffer.from(hex, 'hex') : undefined;
}
