import { describe, expect, it } from 'vitest';
import {
  auditLeafBytes,
  recomputeEventHash,
  type StoredAuditEvent,
} from '../../../src/domain/provenance/audit-event.js';
import {
  type Hash,
  leafHash as nodeLeafHash,
  nodeHash as nodeNodeHash,
} from '../../../src/domain/provenance/merkle-hash.js';
import { inclusionProofRanges } from '../../../src/domain/provenance/merkle-range.js';
import { verifyInclusion as nodeVerifyInclusion } from '../../../src/domain/provenance/merkle-verify.js';
import type { InclusionProofBundle } from '../api/governance-client.js';
import { inclusionProblem, leafHash, toHex, verifyInclusion } from './inclusion-proof.js';

/** The Certificate Transparency test leaves and tree heads, the same vectors src/domain/provenance/merkle.test.ts uses. */
const CT_LEAVES = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'];
const CT_ROOT_8 = '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328';

function mth(leaves: readonly Hash[]): Hash {
  if (leaves.length === 1) return leaves[0]!;
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return nodeNodeHash(mth(leaves.slice(0, k)), mth(leaves.slice(k)));
}
const proofOf = (leaves: readonly Hash[], index: number, size: number) =>
  inclusionProofRanges(index, size).map((r) => mth(leaves.slice(r.start, r.end)));
const flip = (bytes: Uint8Array) => {
  const copy = new Uint8Array(bytes);
  copy[0]! ^= 1;
  return copy;
};

describe('browser inclusion proof check', () => {
  const leaves = CT_LEAVES.map((h) => nodeLeafHash(Buffer.from(h, 'hex')));

  it('hashes leaves as the server does and reaches the CT root', async () => {
    for (const h of CT_LEAVES) {
      expect(toHex(await leafHash(Buffer.from(h, 'hex')))).toBe(nodeLeafHash(Buffer.from(h, 'hex')).toString('hex'));
    }
    expect(mth(leaves).toString('hex')).toBe(CT_ROOT_8);
  });

  it('accepts every proof the server-side verifier accepts and refuses the tampered ones', async () => {
    for (let n = 1; n <= 8; n++) {
      const root = mth(leaves.slice(0, n));
      for (let m = 0; m < n; m++) {
        const proof = proofOf(leaves, m, n);
        expect(nodeVerifyInclusion(leaves[m]!, m, n, proof, root)).toBe(true);
        expect(await verifyInclusion(leaves[m]!, m, n, proof, root)).toBe(true);
        expect(await verifyInclusion(flip(leaves[m]!), m, n, proof, root)).toBe(false);
        expect(await verifyInclusion(leaves[m]!, m, n, proof, flip(root))).toBe(false);
        if (n > 1) expect(await verifyInclusion(leaves[m]!, (m + 1) % n, n, proof, root)).toBe(false);
        if (proof.length > 0) expect(await verifyInclusion(leaves[m]!, m, n, proof.slice(1), root)).toBe(false);
      }
    }
  });

  it('checks a whole bundle: event hash, leaf and path to the checkpoint root', async () => {
    const events: StoredAuditEvent[] = [];
    let prevHash = '0'.repeat(64);
    for (let seq = 1; seq <= 5; seq++) {
      const fields = {
        seq,
        time: 1_700_000_000_000 + seq,
        actor: 'ana "the approver" ü',
        action: 'model_version.transition_stage',
        entityKind: 'model_version',
        entityId: `m-1/${seq}`,
        stateDigest: 'ab'.repeat(32),
        requestId: `req-${seq}`,
        prevHash,
      };
      const hash = recomputeEventHash(fields);
      events.push({ ...fields, hash });
      prevHash = hash;
    }
    const eventLeaves = events.map((e) => nodeLeafHash(auditLeafBytes(e)));
    const root = mth(eventLeaves);
    const bundleFor = (index: number): InclusionProofBundle => ({
      format: 'mnemo.audit.inclusion-proof/v1',
      event: events[index]!,
      leafIndex: index,
      treeSize: 5,
      inclusionPath: proofOf(eventLeaves, index, 5).map((h) => h.toString('hex')),
      checkpoint: { treeSize: 5, rootHash: root.toString('hex'), time: 1, keyId: 'k', signature: 's' },
    });
    for (let i = 0; i < 5; i++) expect(await inclusionProblem(bundleFor(i))).toBeUndefined();

    const edited = bundleFor(2);
    edited.event = { ...edited.event, actor: 'mallory' };
    expect(await inclusionProblem(edited)).toMatch(/does not match its hash/);
    const badPath = bundleFor(3);
    badPath.inclusionPath = [...badPath.inclusionPath].reverse();
    expect(await inclusionProblem(badPath)).toMatch(/does not lead/);
    const badRoot = bundleFor(0);
    badRoot.checkpoint = { ...badRoot.checkpoint, rootHash: 'f'.repeat(64) };
    expect(await inclusionProblem(badRoot)).toMatch(/does not lead/);
  });
});
