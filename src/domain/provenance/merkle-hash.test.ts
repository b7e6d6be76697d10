import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MerkleFrontier, type MerkleNode } from './merkle-frontier.js';
import { leafHash, nodeHash } from './merkle-hash.js';

const reference = (left: Uint8Array, right: Uint8Array) =>
  createHash('sha256')
    .update(Buffer.from([0x01]))
    .update(left)
    .update(right)
    .digest();

describe('Merkle node hashing', () => {
  it('is SHA-256 of 0x01, the left hash and the right hash, for hashes and for any other lengths', () => {
    for (let i = 0; i < 50; i++) {
      const left = randomBytes(32);
      const right = randomBytes(32);
      expect(nodeHash(left, right).equals(reference(left, right))).toBe(true);
    }
    for (const [l, r] of [
      [0, 32],
      [31, 33],
      [64, 1],
    ] as const) {
      const left = randomBytes(l);
      const right = randomBytes(r);
      expect(nodeHash(left, right).equals(reference(left, right))).toBe(true);
    }
  });

  it('returns a hash of its own: later nodes do not overwrite an earlier result', () => {
    const a = nodeHash(randomBytes(32), randomBytes(32));
    const copy = Buffer.from(a);
    nodeHash(randomBytes(32), randomBytes(32));
    expect(a.equals(copy)).toBe(true);
  });
});

describe('Merkle frontier', () => {
  it('collects onto a kept list exactly the subtrees append returns, leaf by leaf', () => {
    const returned = MerkleFrontier.empty();
    const collected = MerkleFrontier.empty();
    const all: MerkleNode[] = [];
    const expected: MerkleNode[] = [];
    for (let i = 0; i < 37; i++) {
      const leaf = leafHash(`leaf ${i}`);
      expected.push(...returned.append(leaf));
      collected.appendTo(leaf, all);
    }
    expect(all).toEqual(expected);
    expect(collected.root().equals(returned.root())).toBe(true);
    expect(all.filter((n) => n.level === 0)).toHaveLength(37);
  });
});
