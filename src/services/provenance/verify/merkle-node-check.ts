import type { MerkleNode } from '../../../domain/provenance/merkle-frontier.js';
import type { ProblemLog } from '../../../domain/provenance/verification-report.js';
import { merkleNodesBetween } from '../../../store/repositories/provenance/audit-log-walk.js';
import type { Executor } from '../../../store/store.js';

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
    const rows = await merkleNodesBetween(db, level, nodes[0]!.index, nodes.at(-1)!.index);
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
