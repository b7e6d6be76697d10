import { invalidState } from '../../../domain/errors.js';
import {
  foldRight,
  frontierCoordinates,
  MerkleFrontier,
  type MerkleNode,
} from '../../../domain/provenance/merkle-frontier.js';
import type { Hash } from '../../../domain/provenance/merkle-hash.js';
import { type LeafRange, type NodeCoordinate, perfectSubtrees } from '../../../domain/provenance/merkle-range.js';
import type { Executor } from '../../store.js';
import { inChunks } from '../chunks.js';

export async function insertMerkleNodes(db: Executor, nodes: readonly MerkleNode[]): Promise<void> {
  for (const chunk of inChunks(nodes, 500)) {
    await db
      .insertInto('audit_merkle_nodes')
      .values(chunk.map((n) => ({ level: n.level, idx: n.index, hash: n.hash.toString('hex') })))
      .execute();
  }
}

const keyOf = (c: NodeCoordinate) => `${c.level}/${c.index}`;

/** Loads stored subtree hashes; a missing one means the node table was damaged, which is reported as such. */
export async function findMerkleNodes(
  db: Executor,
  coordinates: readonly NodeCoordinate[],
): Promise<Map<string, Hash>> {
  const found = new Map<string, Hash>();
  const unique = [...new Map(coordinates.map((c) => [keyOf(c), c])).values()];
  for (const chunk of inChunks(unique, 200)) {
    const rows = await db
      .selectFrom('audit_merkle_nodes')
      .select(['level', 'idx', 'hash'])
      .where((eb) => eb.or(chunk.map((c) => eb.and([eb('level', '=', c.level), eb('idx', '=', c.index)]))))
      .execute();
    for (const row of rows) found.set(`${row.level}/${row.idx}`, Buffer.from(row.hash, 'hex'));
  }
  for (const c of unique) {
    if (!found.has(keyOf(c))) {
      throw invalidState(
        `The audit log's Merkle node at level ${c.level} index ${c.index} is missing; run \`mnemo audit verify\`.`,
      );
    }
  }
  return found;
}

export async function loadFrontier(db: Executor, size: number): Promise<MerkleFrontier> {
  const coordinates = frontierCoordinates(size);
  const found = await findMerkleNodes(db, coordinates);
  return MerkleFrontier.restore(
    size,
    coordinates.map((c) => ({ ...c, hash: found.get(keyOf(c))! })),
  );
}

/** MTH of each range, from the stored perfect subtrees it is made of. */
export async function rangeHashes(db: Executor, ranges: readonly LeafRange[]): Promise<Hash[]> {
  const pieces = ranges.map(perfectSubtrees);
  const found = await findMerkleNodes(db, pieces.flat());
  return pieces.map((list) => foldRight(list.map((c) => found.get(keyOf(c))!)));
}

export async function treeRoot(db: Executor, size: number): Promise<Hash> {
  return (await loadFrontier(db, size)).root();
}
