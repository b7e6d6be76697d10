import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { foldRight, frontierCoordinates, MerkleFrontier } from './merkle-frontier.js';
import { EMPTY_TREE_ROOT, type Hash, leafHash, nodeHash } from './merkle-hash.js';
import { consistencyProofRanges, inclusionProofRanges, type LeafRange, perfectSubtrees } from './merkle-range.js';
import { verifyConsistency, verifyInclusion } from './merkle-verify.js';

/** The Certificate Transparency test leaves and the tree heads every RFC 6962 implementation agrees on. */
const CT_LEAVES = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f']
  .map((h) => Buffer.from(h, 'hex'))
  .map((bytes) => leafHash(bytes));
const CT_ROOTS = [
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];
const hex = (h: Hash) => h.toString('hex');

/** MTH straight from the recursive definition of RFC 9162 section 2.1.1, as an independent reference. */
function mth(leaves: readonly Hash[]): Hash {
  if (leaves.length === 0) return EMPTY_TREE_ROOT;
  if (leaves.length === 1) return leaves[0]!;
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return nodeHash(mth(leaves.slice(0, k)), mth(leaves.slice(k)));
}

const proofFrom = (leaves: readonly Hash[], ranges: LeafRange[]) =>
  ranges.map((r) => mth(leaves.slice(r.start, r.end)));
const frontierRoot = (leaves: readonly Hash[]) => {
  const frontier = MerkleFrontier.empty();
  for (const leaf of leaves) frontier.append(leaf);
  return frontier.root();
};
const randomLeaves = (n: number) => Array.from({ length: n }, () => leafHash(randomBytes(12)));
const flip = (h: Hash) => {
  const copy = Buffer.from(h);
  copy[0]! ^= 1;
  return copy;
};

describe('Merkle tree heads', () => {
  it('match the published RFC 6962 roots for sizes 0..8, from the frontier and the recursive definition', () => {
    for (let n = 0; n <= 8; n++) {
      expect(hex(frontierRoot(CT_LEAVES.slice(0, n))), `size ${n}`).toBe(CT_ROOTS[n]);
      expect(hex(mth(CT_LEAVES.slice(0, n)))).toBe(CT_ROOTS[n]);
    }
  });

  it('agree with the recursive definition for random trees, and perfect-subtree folds equal range hashes', () => {
    const leaves = randomLeaves(300);
    const frontier = MerkleFrontier.empty();
    const stored = new Map<string, Hash>();
    leaves.forEach((leaf, i) => {
      for (const node of frontier.append(leaf)) stored.set(`${node.level}/${node.index}`, node.hash);
      if (i % 7 === 0 || i > 250) expect(hex(frontier.root())).toBe(hex(mth(leaves.slice(0, i + 1))));
    });
    // Every node the frontier reported is the true hash of its subtree.
    for (const [key, hash] of stored) {
      const [level, index] = key.split('/').map(Number) as [number, number];
      const width = 2 ** level;
      expect(hex(hash)).toBe(hex(mth(leaves.slice(index * width, (index + 1) * width))));
    }
    // A frontier restored from stored nodes continues exactly where the original left off.
    const size = 173;
    const restored = MerkleFrontier.restore(
      size,
      frontierCoordinates(size).map((c) => ({ ...c, hash: stored.get(`${c.level}/${c.index}`)! })),
    );
    expect(hex(restored.root())).toBe(hex(mth(leaves.slice(0, size))));
    restored.append(leaves[size]!);
    expect(hex(restored.root())).toBe(hex(mth(leaves.slice(0, size + 1))));
    expect(
      hex(foldRight(perfectSubtrees({ start: 64, end: 101 }).map((c) => stored.get(`${c.level}/${c.index}`)!))),
    ).toBe(hex(mth(leaves.slice(64, 101))));
  });

  it('describes the frontier of a size by its set bits', () => {
    expect(frontierCoordinates(0)).toEqual([]);
    expect(frontierCoordinates(13)).toEqual([
      { level: 3, index: 0 },
      { level: 2, index: 2 },
      { level: 0, index: 12 },
    ]);
    expect(() => perfectSubtrees({ start: 3, end: 7 })).toThrow(/aligned/);
  });
});

describe('inclusion proofs (RFC 9162 2.1.3)', () => {
  it('reproduce the Certificate Transparency reference proofs', () => {
    expect(proofFrom(CT_LEAVES, inclusionProofRanges(0, 8)).map(hex)).toEqual([
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ]);
    expect(proofFrom(CT_LEAVES, inclusionProofRanges(5, 8)).map(hex)).toEqual([
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ]);
    expect(inclusionProofRanges(0, 1)).toEqual([]);
  });

  it('verify for every leaf of every tree up to 64 leaves and fail when anything is altered', () => {
    const leaves = randomLeaves(64);
    for (let n = 1; n <= leaves.length; n++) {
      const root = mth(leaves.slice(0, n));
      for (let m = 0; m < n; m++) {
        const proof = proofFrom(leaves, inclusionProofRanges(m, n));
        expect(verifyInclusion(leaves[m]!, m, n, proof, root)).toBe(true);
        expect(verifyInclusion(flip(leaves[m]!), m, n, proof, root)).toBe(false);
        expect(verifyInclusion(leaves[m]!, m, n, proof, flip(root))).toBe(false);
        if (n > 1) {
          expect(verifyInclusion(leaves[m]!, (m + 1) % n, n, proof, root)).toBe(false);
          expect(verifyInclusion(leaves[m]!, m, n, proof.slice(1), root)).toBe(false);
          expect(verifyInclusion(leaves[m]!, m, n, [...proof, proof[0]!], root)).toBe(false);
          const bad = proof.slice();
          const at = m % proof.length;
          bad[at] = flip(bad[at]!);
          expect(verifyInclusion(leaves[m]!, m, n, bad, root)).toBe(false);
        }
      }
      expect(verifyInclusion(leaves[0]!, n, n, [], root)).toBe(false);
    }
  });

  it('verify in random trees of a few hundred leaves', () => {
    const leaves = randomLeaves(400);
    for (let trial = 0; trial < 200; trial++) {
      const n = 1 + Math.floor(Math.random() * leaves.length);
      const m = Math.floor(Math.random() * n);
      const root = mth(leaves.slice(0, n));
      const proof = proofFrom(leaves, inclusionProofRanges(m, n));
      expect(verifyInclusion(leaves[m]!, m, n, proof, root)).toBe(true);
      if (n > 1) expect(verifyInclusion(leaves[(m + 1) % n]!, m, n, proof, root)).toBe(false);
    }
  });
});

describe('consistency proofs (RFC 9162 2.1.4)', () => {
  it('reproduce the Certificate Transparency reference proofs', () => {
    expect(proofFrom(CT_LEAVES, consistencyProofRanges(1, 8)).map(hex)).toEqual([
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ]);
    expect(proofFrom(CT_LEAVES, consistencyProofRanges(6, 8)).map(hex)).toEqual([
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ]);
    expect(proofFrom(CT_LEAVES, consistencyProofRanges(2, 5)).map(hex)).toEqual([
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ]);
    expect(consistencyProofRanges(4, 4)).toEqual([]);
  });

  it('verify between every pair of sizes up to 48 and fail when altered', () => {
    const leaves = randomLeaves(48);
    const roots = Array.from({ length: leaves.length + 1 }, (_, n) => mth(leaves.slice(0, n)));
    for (let n = 1; n <= leaves.length; n++) {
      for (let m = 1; m <= n; m++) {
        const proof = proofFrom(leaves, consistencyProofRanges(m, n));
        expect(verifyConsistency(m, n, proof, roots[m]!, roots[n]!), `${m} -> ${n}`).toBe(true);
        expect(verifyConsistency(m, n, proof, flip(roots[m]!), roots[n]!)).toBe(false);
        expect(verifyConsistency(m, n, proof, roots[m]!, flip(roots[n]!))).toBe(false);
        if (m < n) {
          expect(verifyConsistency(m, n, proof.slice(0, -1), roots[m]!, roots[n]!)).toBe(false);
          const bad = proof.slice();
          bad[n % proof.length] = flip(bad[n % proof.length]!);
          expect(verifyConsistency(m, n, bad, roots[m]!, roots[n]!)).toBe(false);
          if (m + 1 < n) expect(verifyConsistency(m + 1, n, proof, roots[m + 1]!, roots[n]!)).toBe(false);
        }
      }
    }
  });

  it('verify in random trees of a few hundred leaves and reject a rewritten history', () => {
    const leaves = randomLeaves(350);
    for (let trial = 0; trial < 150; trial++) {
      const n = 2 + Math.floor(Math.random() * (leaves.length - 1));
      const m = 1 + Math.floor(Math.random() * (n - 1));
      const proof = proofFrom(leaves, consistencyProofRanges(m, n));
      expect(verifyConsistency(m, n, proof, mth(leaves.slice(0, m)), mth(leaves.slice(0, n)))).toBe(true);
      const rewritten = leaves.slice(0, n);
      rewritten[Math.floor(Math.random() * m)] = leafHash(randomBytes(8));
      const forged = proofFrom(rewritten, consistencyProofRanges(m, n));
      expect(verifyConsistency(m, n, forged, mth(leaves.slice(0, m)), mth(rewritten))).toBe(false);
    }
  });

  it('treat the empty tree and equal sizes as the RFC does', () => {
    const leaves = randomLeaves(5);
    const root = mth(leaves);
    expect(verifyConsistency(0, 5, [], EMPTY_TREE_ROOT, root)).toBe(true);
    expect(verifyConsistency(5, 5, [], root, root)).toBe(true);
    expect(verifyConsistency(5, 5, [root], root, root)).toBe(false);
    expect(verifyConsistency(3, 5, [], mth(leaves.slice(0, 3)), root)).toBe(false);
    expect(verifyConsistency(6, 5, [], root, root)).toBe(false);
  });
});
