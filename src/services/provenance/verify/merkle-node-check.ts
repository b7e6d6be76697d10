import type { MerkleNode } from '../../../domain/provenance/merkle-frontier.js';
import type { ProblemLog } from '../../../domain/provenance/verification-report.js';
import { concatenatedMerkleNodes, merkleNodesBetween } from '../../../store/repositories/provenance/audit-log-walk.js';
import type { Executor } from '../../../store/store.js';

const HEX_HASH_LENGTH = 64;

/**
 * Compares the subtree hashes the verifier computed with the ones stored for serving proofs. A stored node that
 * differs would make the server hand out proofs that fail, so it is reported like any other tampering.
 */
export async function checkStoredNodes(
  db: Executor,
  computed: readonly MerkleNode[],
  problems: ProblemLog,
): Promise<void> {
  const byLevel = new Map<number, MerkleNode[]>();
  for (const node of computed) {
    const list = byLevel.get(node.level);
    if (list) list.push(node);
    else byLevel.set(node.level, [node]);
  }
  for (const [level, nodes] of byLevel) {
    const first = nodes[0]!.index;
    const last = nodes.at(-1)!.index;
    // Nodes completed in one stretch of the log lie side by side; when all of them are stored as computed, the
    // range's stored hashes (each as long as a hash) in one text equal the computed ones in one text. Only a range
    // that differs is read row by row, to name the nodes that do.
    if (last - first + 1 === nodes.length) {
      const stored = await concatenatedMerkleNodes(db, level, first, last);
      const intact =
        stored.count === nodes.length &&
        stored.shortest === HEX_HASH_LENGTH &&
        stored.longest === HEX_HASH_LENGTH &&
        stored.hashes === Buffer.concat(nodes.map((n) => n.hash)).toString('hex');
      if (intact) continue;
    }
    const rows = await merkleNodesBetween(db, level, first, last);
    // Both lists are in index order, so they are walked side by side (a page holds thousands of nodes).
    let r = 0;
    for (const node of nodes) {
      while (r < rows.length && Number(rows[r]!.idx) < node.index) r++;
      const row = rows[r];
      const hash = row !== undefined && Number(row.idx) === node.index ? row.hash : undefined;
      if (hash === node.hash.toString('hex')) continue;
      const width = 2 ** level;
      const from = node.index * width + 1;
      problems.add({
        seq: from,
        kind: 'proof-node-invalid',
        message:
          `the stored Merkle node over events ${from} to ${from + width - 1} was ${hash === undefined ? 'deleted' : 'altered'}: ` +
          'proofs served from it would not verify',
      });
    }
  }
}
