import type { Metric } from '../tracking/entities.js';

/**
 * Metric points are stored as chunks: the points of one run and key that one batch stored, at most CHUNK_POINTS of
 * them, as three packed columns (step, timestamp, value). A row per chunk instead of a row per point is what lets
 * ingest and history reads run at the speed of the data rather than of the row format.
 */
export const CHUNK_POINTS = 1000;

/** Three columns of IEEE-754 float64, little-endian; steps and timestamps are safe integers, so exact. */
export const CHUNK_ENCODING_FLOAT64 = 1;

if (new Uint8Array(new Float64Array([1]).buffer)[7] !== 0x3f) {
  // Chunks are written as the platform's typed arrays; a big-endian host would write another byte order.
  throw new Error('metric chunks need a little-endian platform');
}

/** One chunk as stored. `part` orders the chunks one batch stored for one key. */
export interface PackedChunk {
  key: string;
  part: number;
  firstStep: number;
  lastStep: number;
  count: number;
  steps: Uint8Array;
  timestamps: Uint8Array;
  values: Uint8Array;
}

/** A chunk's points read back: three aligned columns of `count` entries. */
export interface ChunkColumns {
  count: number;
  steps: Float64Array;
  timestamps: Float64Array;
  values: Float64Array;
}

/**
 * Packs points in canonical order (grouped by key, see canonicalBatch) into chunks of at most CHUNK_POINTS per key.
 * Every NaN is written as one bit pattern and -0 as +0, as the batch digest encodes them.
 */
export function packPoints(points: readonly Metric[], size = CHUNK_POINTS): PackedChunk[] {
  const chunks: PackedChunk[] = [];
  let start = 0;
  while (start < points.length) {
    const key = points[start]!.key;
    let end = start + 1;
    while (end < points.length && points[end]!.key === key) end++;
    for (let from = start, part = 0; from < end; from += size, part++) {
      const to = Math.min(end, from + size);
      const n = to - from;
      const steps = new Float64Array(n);
      const timestamps = new Float64Array(n);
      const values = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const p = points[from + i]!;
        steps[i] = p.step;
        timestamps[i] = p.timestamp;
        values[i] = Number.isNaN(p.value) ? Number.NaN : p.value === 0 ? 0 : p.value;
      }
      chunks.push({
        key,
        part,
        firstStep: steps[0]!,
        lastStep: steps[n - 1]!,
        count: n,
        steps: bytesOf(steps),
        timestamps: bytesOf(timestamps),
        values: bytesOf(values),
      });
    }
    start = end;
  }
  return chunks;
}

const bytesOf = (column: Float64Array) => new Uint8Array(column.buffer, column.byteOffset, column.byteLength);

/** Thrown when a stored chunk's columns do not hold the number of points its row says. */
export class MalformedChunk extends Error {}

/** The columns of a stored chunk. Throws MalformedChunk when a column's length does not match `count`. */
export function unpackChunk(
  count: number,
  encoding: number,
  steps: Uint8Array,
  timestamps: Uint8Array,
  values: Uint8Array,
): ChunkColumns {
  if (encoding !== CHUNK_ENCODING_FLOAT64) throw new MalformedChunk(`unknown chunk encoding ${encoding}`);
  return { count, steps: column(steps, count), timestamps: column(timestamps, count), values: column(values, count) };
}

function column(bytes: Uint8Array, count: number): Float64Array {
  if (bytes.byteLength !== count * 8) {
    throw new MalformedChunk(`a column of ${bytes.byteLength} bytes cannot hold ${count} points`);
  }
  // A view when the bytes happen to be aligned; a copy otherwise (Float64Array needs 8-byte alignment).
  if (bytes.byteOffset % 8 === 0) return new Float64Array(bytes.buffer, bytes.byteOffset, count);
  const copy = new Float64Array(count);
  new Uint8Array(copy.buffer).set(bytes);
  return copy;
}
