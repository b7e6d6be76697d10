/**
 * Index arithmetic of RFC 9162 trees. A range [start, end) of leaves is hashed as MTH(D[start:end]); the split point
 * of a range of n > 1 leaves is the largest power of two smaller than n.
 */
export interface LeafRange {
  start: number;
  end: number;
}

/** A perfect subtree stored by level (log2 of its size) and index (its position among subtrees of that size). */
export interface NodeCoordinate {
  level: number;
  index: number;
}

export function largestPowerOfTwoBelow(n: number): number {
  if (!Number.isSafeInteger(n) || n < 2) throw new RangeError(`no power of two below ${n} to split at`);
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/**
 * The perfect subtrees a range is made of, left to right and largest first. MTH of the range is the right fold
 * node(p1, node(p2, … pk)) of their hashes. Only ranges that start on a boundary of their largest piece qualify, which
 * holds for every range an RFC 9162 proof or tree head refers to.
 */
export function perfectSubtrees(range: LeafRange): NodeCoordinate[] {
  const { start, end } = range;
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end <= start) {
    throw new RangeError(`invalid leaf range [${start}, ${end})`);
  }
  const pieces: NodeCoordinate[] = [];
  let at = start;
  let remaining = end - start;
  let size = 1;
  while (size * 2 <= remaining) size *= 2;
  while (remaining > 0) {
    while (size > remaining) size /= 2;
    if (at % size !== 0) throw new RangeError(`leaf range [${start}, ${end}) is not aligned to its subtrees`);
    pieces.push({ level: Math.log2(size), index: at / size });
    at += size;
    remaining -= size;
  }
  return pieces;
}

/**
 * The subtrees an inclusion proof for leaf m in a tree of n leaves is made of, deepest first (RFC 9162 2.1.3.1):
 * PATH(m, D[n]) = PATH(m, D[0:k]) : MTH(D[k:n]) when m < k, else PATH(m - k, D[k:n]) : MTH(D[0:k]).
 */
export function inclusionProofRanges(m: number, n: number): LeafRange[] {
  if (!Number.isSafeInteger(m) || !Number.isSafeInteger(n) || m < 0 || m >= n) {
    throw new RangeError(`leaf ${m} is not in a tree of ${n} leaves`);
  }
  const ranges: LeafRange[] = [];
  let offset = 0;
  let size = n;
  let index = m;
  while (size > 1) {
    const k = largestPowerOfTwoBelow(size);
    if (index < k) {
      ranges.push({ start: offset + k, end: offset + size });
      size = k;
    } else {
      ranges.push({ start: offset, end: offset + k });
      offset += k;
      index -= k;
      size -= k;
    }
  }
  return ranges.reverse();
}

/**
 * The subtrees a consistency proof between sizes m and n is made of, in proof order (RFC 9162 2.1.4.1):
 * PROOF(m, D[n]) = SUBPROOF(m, D[n], true) for 0 < m < n, and SUBPROOF recurses like PATH but stops at the subtree
 * equal to the old tree, which it names only when the old tree is not itself a left edge of the new one.
 */
export function consistencyProofRanges(m: number, n: number): LeafRange[] {
  if (!Number.isSafeInteger(m) || !Number.isSafeInteger(n) || m < 0 || m > n) {
    throw new RangeError(`cannot prove consistency from size ${m} to size ${n}`);
  }
  if (m === 0 || m === n) return [];
  const ranges: LeafRange[] = [];
  let offset = 0;
  let size = n;
  let oldSize = m;
  let complete = true;
  while (oldSize !== size) {
    const k = largestPowerOfTwoBelow(size);
    if (oldSize <= k) {
      ranges.push({ start: offset + k, end: offset + size });
      size = k;
    } else {
      ranges.push({ start: offset, end: offset + k });
      offset += k;
      oldSize -= k;
      size -= k;
      complete = false;
    }
  }
  if (!complete) ranges.push({ start: offset, end: offset + size });
  return ranges.reverse();
}
