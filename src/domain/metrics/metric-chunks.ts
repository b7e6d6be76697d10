import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { Metric } from '../tracking/entities.js';
import { decodeVarintDeltas, encodeVarintDeltas } from './varint-column.js';
import { decodeXor, encodeXor } from './xor-column.js';

/**
 * Metric points are stored as chunks: the points of one run and key that one batch stored, at most CHUNK_POINTS of
 * them, as three packed columns (step, timestamp, value). A row per chunk instead of a row per point is what lets
 * ingest and history reads run at the speed of the data rather than of the row format.
 */
export const CHUNK_POINTS = 1000;

/** Three columns of IEEE-754 float64, little-endian; steps and timestamps are safe integers, so exact. */
export const CHUNK_ENCODING_FLOAT64 = 1;
/**
 * Each column starts with a byte naming its form (see COLUMN_*): a run of steps or timestamps with a constant
 * stride is stored as its first value and the stride; other integer columns as varint deltas, values as XORs of
 * their neighbours, where that is smaller than the plain float64 column. Columns those forms do not shrink (noise)
 * are tried byte-shuffled and deflated. Every form ever written stays readable: the byte is the column's version.
 */
export const CHUNK_ENCODING_COLUMNS = 2;

const COLUMN_FLOAT64 = 1;
const COLUMN_STRIDE = 2;
/** Byte-shuffled float64, deflated. Written for values that XOR does not shrink. */
const COLUMN_SHUFFLED = 3;
/** Byte-shuffled deltas, deflated. Written for integers whose deltas are too large for varints. */
const COLUMN_SHUFFLED_DELTAS = 4;
/** See xor-column.ts. */
const COLUMN_XOR = 5;
/** See varint-column.ts. */
const COLUMN_VARINT_DELTAS = 6;

if (new Uint8Array(new Float64Array([1]).buffer)[7] !== 0x3f) {
  // Chunks are written as the platform's typed arrays; a big-endian host would write another byte order.
  throw new Error('metric chunks need a little-endian platform');
}

/** One chunk as stored (in CHUNK_ENCODING_COLUMNS). `part` orders the chunks one batch stored for one key. */
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
        steps: encodeIntegers(steps),
        timestamps: encodeIntegers(timestamps),
        values: encodeValues(values),
      });
    }
    start = end;
  }
  return chunks;
}

const bytesOf = (column: Float64Array) => new Uint8Array(column.buffer, column.byteOffset, column.byteLength);

function tagged(tag: number, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(body.length + 1);
  out[0] = tag;
  out.set(body, 1);
  return out;
}

/** Steps or timestamps (safe integers): a stride when constant, else varint deltas, else shuffled deltas. */
function encodeIntegers(column: Float64Array): Uint8Array {
  const n = column.length;
  const stride = n > 1 ? column[1]! - column[0]! : 0;
  let constant = Number.isSafeInteger(stride);
  for (let i = 2; i < n && constant; i++) constant = column[i]! - column[i - 1]! === stride;
  if (constant) return tagged(COLUMN_STRIDE, bytesOf(Float64Array.of(column[0]!, stride)));
  const varints = encodeVarintDeltas(column);
  // A varint takes at least a byte: a column mostly of repeats (timestamps of points logged in the same
  // millisecond) deflates far below that, so it is tried deflated as well.
  if (varints && !mostlyRepeats(column)) return tagged(COLUMN_VARINT_DELTAS, varints);
  if (varints) {
    const deflated = encodeShuffledDeltas(column);
    return deflated.length < varints.length + 1 ? deflated : tagged(COLUMN_VARINT_DELTAS, varints);
  }
  return encodeShuffledDeltas(column);
}

function mostlyRepeats(column: Float64Array): boolean {
  let repeats = 0;
  for (let i = 1; i < column.length; i++) if (column[i] === column[i - 1]) repeats++;
  return repeats * 2 >= column.length;
}

/** Shuffled deltas, deflated, when smaller than plain float64 (which holds differences beyond the safe range). */
function encodeShuffledDeltas(column: Float64Array): Uint8Array {
  const n = column.length;
  const deltas = new Float64Array(n);
  deltas[0] = column[0]!;
  for (let i = 1; i < n; i++) deltas[i] = column[i]! - column[i - 1]!;
  // Deltas of safe integers are exact unless they leave the safe range; then the column stays plain.
  for (let i = 1; i < n; i++) if (!Number.isSafeInteger(deltas[i]!)) return tagged(COLUMN_FLOAT64, bytesOf(column));
  return smaller(column, COLUMN_SHUFFLED_DELTAS, deltas);
}

/** Above this many bytes a value, XOR has found little to drop (noise), and deflate is tried as well. */
const XOR_NOISE = 7.5;

/** Values: XORs of neighbours, or for noise the smallest of those, shuffled and deflated, and plain float64. */
function encodeValues(column: Float64Array): Uint8Array {
  const xor = encodeXor(column);
  if (xor.length <= XOR_NOISE * column.length) return tagged(COLUMN_XOR, xor);
  const other = smaller(column, COLUMN_SHUFFLED, column);
  return xor.length + 1 < other.length ? tagged(COLUMN_XOR, xor) : other;
}

/**
 * Below this many entries deflate has too little to work with to win back its own overhead, and trying it cost a
 * twentieth of the time of a small batch (a training loop logging one step of a few metrics at a time).
 */
const DEFLATE_MIN_ENTRIES = 16;

/** `transformed` shuffled and deflated under `tag` when that beats the plain column. */
function smaller(column: Float64Array, tag: number, transformed: Float64Array): Uint8Array {
  if (column.length < DEFLATE_MIN_ENTRIES) return tagged(COLUMN_FLOAT64, bytesOf(column));
  const packed = deflateRawSync(shuffle(bytesOf(transformed)), { level: 1 });
  return packed.length < column.byteLength ? tagged(tag, packed) : tagged(COLUMN_FLOAT64, bytesOf(column));
}

/** Byte planes: all first bytes, then all second bytes…, so the slowly changing high bytes sit together. */
function shuffle(bytes: Uint8Array): Uint8Array {
  const n = bytes.length / 8;
  const out = new Uint8Array(bytes.length);
  for (let i = 0; i < n; i++) for (let j = 0; j < 8; j++) out[j * n + i] = bytes[i * 8 + j]!;
  return out;
}

function unshuffle(bytes: Uint8Array, count: number, out: Float64Array): Float64Array {
  const view = new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  for (let j = 0; j < 8; j++) {
    const plane = j * count;
    for (let i = 0; i < count; i++) view[i * 8 + j] = bytes[plane + i]!;
  }
  return out;
}

/** Decodes a column of `count` entries into `out` (of that length) and returns it. */
function decodeColumn(bytes: Uint8Array, count: number, out: Float64Array): Float64Array {
  const body = bytes.subarray(1);
  switch (bytes[0]) {
    case COLUMN_FLOAT64:
      out.set(column(body, count));
      return out;
    case COLUMN_STRIDE: {
      const [first, stride] = column(body, 2) as unknown as [number, number];
      for (let i = 0; i < count; i++) out[i] = first + i * stride;
      return out;
    }
    case COLUMN_SHUFFLED:
      return unshuffle(inflated(body, count), count, out);
    case COLUMN_SHUFFLED_DELTAS: {
      unshuffle(inflated(body, count), count, out);
      for (let i = 1; i < count; i++) out[i] = out[i]! + out[i - 1]!;
      return out;
    }
    case COLUMN_XOR:
      return decodeXor(body, count, out) ?? malformed('an XOR column', body, count);
    case COLUMN_VARINT_DELTAS:
      return decodeVarintDeltas(body, count, out) ?? malformed('a varint column', body, count);
    default:
      throw new MalformedChunk(`unknown column form ${bytes[0]}`);
  }
}

function inflated(bytes: Uint8Array, count: number): Uint8Array {
  let out: Uint8Array;
  try {
    out = inflateRawSync(bytes);
  } catch (error) {
    throw new MalformedChunk(`a packed column cannot be inflated: ${(error as Error).message}`);
  }
  if (out.length !== count * 8) throw new MalformedChunk(`a column of ${out.length} bytes cannot hold ${count} points`);
  return out;
}

function malformed(form: string, bytes: Uint8Array, count: number): never {
  throw new MalformedChunk(`${form} of ${bytes.length} bytes does not hold ${count} points`);
}

/** Thrown when a stored chunk's columns do not hold the number of points its row says. */
export class MalformedChunk extends Error {}

/** A chunk as stored: its point count, encoding and packed columns. */
export interface StoredColumns {
  count: number;
  encoding: number;
  steps: Uint8Array;
  timestamps: Uint8Array;
  values: Uint8Array;
}

/**
 * The columns of a stored chunk, decoded into `into` when given (three columns of exactly `count` entries). Throws
 * MalformedChunk when a column's length does not match `count`.
 */
export function unpackChunk(
  count: number,
  encoding: number,
  steps: Uint8Array,
  timestamps: Uint8Array,
  values: Uint8Array,
  into?: ChunkColumns,
): ChunkColumns {
  if (into && into.count !== count) throw new Error(`columns of ${into.count} entries cannot take ${count} points`);
  if (encoding === CHUNK_ENCODING_FLOAT64) {
    const plain = {
      count,
      steps: column(steps, count),
      timestamps: column(timestamps, count),
      values: column(values, count),
    };
    if (!into) return plain;
    into.steps.set(plain.steps);
    into.timestamps.set(plain.timestamps);
    into.values.set(plain.values);
    return into;
  }
  if (encoding !== CHUNK_ENCODING_COLUMNS) throw new MalformedChunk(`unknown chunk encoding ${encoding}`);
  const out = into ?? {
    count,
    steps: new Float64Array(count),
    timestamps: new Float64Array(count),
    values: new Float64Array(count),
  };
  decodeColumn(steps, count, out.steps);
  decodeColumn(timestamps, count, out.timestamps);
  decodeColumn(values, count, out.values);
  return out;
}

/**
 * Chunks decoded side by side: `all` holds every chunk's points one after another, and each of `chunks` is a view of
 * its own stretch of them. A long history is decoded straight into the columns it is read as, with no copy per chunk.
 */
export function unpackChunksSideBySide(stored: readonly StoredColumns[]): {
  all: ChunkColumns;
  chunks: ChunkColumns[];
} {
  let total = 0;
  for (const s of stored) total += s.count;
  const all = {
    count: total,
    steps: new Float64Array(total),
    timestamps: new Float64Array(total),
    values: new Float64Array(total),
  };
  let at = 0;
  const chunks = stored.map((s) => {
    const into = {
      count: s.count,
      steps: all.steps.subarray(at, at + s.count),
      timestamps: all.timestamps.subarray(at, at + s.count),
      values: all.values.subarray(at, at + s.count),
    };
    at += s.count;
    return unpackChunk(s.count, s.encoding, s.steps, s.timestamps, s.values, into);
  });
  return { all, chunks };
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
