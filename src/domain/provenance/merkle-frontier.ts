import { EMPTY_TREE_ROOT, type Hash, nodeHash } from './merkle-hash.js';
import type { NodeCoordinate } from './merkle-range.js';

/** A perfect subtree of the tree with its hash. */
export interface MerkleNode extends NodeCoordinate {
  hash: Hash;
}

/**
 * The compact range of a tree: the roots of the perfect subtrees its leaves split into (one per set bit of the size,
 * largest first). It is all that is needed to append leaves and to compute the tree head, so a log of any length is
 * hashed in O(log n) memory.
 */
export class MerkleFrontier {
  private readonly stack: MerkleNode[];
  private count: number;

  private constructor(size: number, nodes: MerkleNode[]) {
    this.count = size;
    this.stack = nodes;
  }

  static empty(): MerkleFrontier {
    return new MerkleFrontier(0, []);
  }

  /** Rebuilds the frontier of a tree of `size` leaves from its subtree roots (as `frontierCoordinates` lists them). */
  static restore(size: number, nodes: MerkleNode[]): MerkleFrontier {
    const expected = frontierCoordinates(size);
    if (nodes.length !== expected.length) {
      throw new RangeError(`a tree of ${size} leaves has ${expected.length} frontier nodes; got ${nodes.length}`);
    }
    expected.forEach((coordinate, i) => {
      const node = nodes[i]!;
      if (node.level !== coordinate.level || node.index !== coordinate.index) {
        throw new RangeError(`frontier node ${i} should be level ${coordinate.level} index ${coordinate.index}`);
      }
    });
    return new MerkleFrontier(size, nodes.slice());
  }

  get size(): number {
    return this.count;
  }

  get nodes(): readonly MerkleNode[] {
    return this.stack;
  }

  /** Adds a leaf hash and returns every perfect subtree it completed, the leaf itself first. */
  append(leaf: Hash): MerkleNode[] {
    const completed: MerkleNode[] = [];
    this.appendTo(leaf, completed);
    return completed;
  }

  /** As `append`, pushing the completed subtrees onto a list the caller keeps (no list per leaf in a long walk). */
  appendTo(leaf: Hash, completed: MerkleNode[]): void {
    let carry: MerkleNode = { level: 0, index: this.count, hash: leaf };
    completed.push(carry);
    while (this.stack.length > 0 && this.stack.at(-1)!.level === carry.level) {
      const left = this.stack.pop()!;
      carry = { level: carry.level + 1, index: left.index / 2, hash: nodeHash(left.hash, carry.hash) };
      completed.push(carry);
    }
    this.stack.push(carry);
    this.count += 1;
  }

  /** MTH of all leaves so far: the frontier folded from the right. */
  root(): Hash {
    return foldRight(this.stack.map((n) => n.hash));
  }
}

/** Hash of a range from its perfect subtrees, largest first: node(p1, node(p2, … pk)). */
export function foldRight(hashes: readonly Hash[]): Hash {
  if (hashes.length === 0) return EMPTY_TREE_ROOT;
  let acc = hashes.at(-1)!;
  for (let i = hashes.length - 2; i >= 0; i--) acc = nodeHash(hashes[i]!, acc);
  return acc;
}

/** Which perfect subtrees make up the frontier of a tree of `size` leaves, largest first. */
export function frontierCoordinates(size: number): NodeCoordinate[] {
  if (!Number.isSafeInteger(size) || size < 0) throw new RangeError(`invalid tree size ${size}`);
  const coordinates: NodeCoordinate[] = [];
  let start = 0;
  for (let level = Math.floor(Math.log2(Math.max(size, 1))); level >= 0; level--) {
    const width = 2 ** level;
    if (size - start >= width) {
      coordinates.push({ level, index: start / width });
      start += width;
    }
  }
  return coordinates;
}
