import { createHash, type Hash } from 'node:crypto';
import type { Metric } from '../tracking/entities.js';

/**
 * Names the encoding below; audit records carry it next to the digest so a verifier knows how to recompute it.
 * v1 (digest of the batch as sent) is no longer written; events that carry it are checked by point count only.
 */
export const METRIC_BATCH_ENCODING = 'mnemo.metric-batch.v2';

/**
 * The order in which a batch's points are digested: key (UTF-16 code units, as JavaScript compares strings), then
 * step, timestamp, NaN after numbers, then value. A verifier that reads a metric's points back in step order per key
 * meets each batch's points in exactly this order, so it can digest every batch while streaming a run once.
 */
export function compareMetricPoints(a: Metric, b: Metric): number {
  if (a.key !== b.key) return a.key < b.key ? -1 : 1;
  if (a.step !== b.step) return a.step - b.step;
  if (a.timestamp !== b.timestamp) return a.timestamp - b.timestamp;
  const aNan = Number.isNaN(a.value);
  const bNan = Number.isNaN(b.value);
  if (aNan || bNan) return aNan === bNan ? 0 : aNan ? 1 : -1;
  return a.value === b.value ? 0 : a.value < b.value ? -1 : 1;
}

/**
 * The distinct points of a batch in digest order: what the store keeps of it, since it ignores a point equal to
 * one it already has. Returns the input itself when it is already in order without repeats. Clients usually send
 * steps in order per key with keys interleaved, so points are grouped by key first and a group is sorted only when
 * it is out of order: linear time for the common shapes instead of a comparison sort of the whole batch.
 */
export function canonicalBatch(metrics: readonly Metric[]): readonly Metric[] {
  if (isCanonical(metrics)) return metrics;
  const byKey = new Map<string, Metric[]>();
  for (const m of metrics) {
    const group = byKey.get(m.key);
    if (group) group.push(m);
    else byKey.set(m.key, [m]);
  }
  const keys = [...byKey.keys()].sort();
  const distinct: Metric[] = [];
  for (const key of keys) {
    const group = byKey.get(key)!;
    if (!isCanonical(group)) group.sort(compareMetricPoints);
    for (const m of group)
      if (distinct.length === 0 || compareMetricPoints(distinct.at(-1)!, m) !== 0) distinct.push(m);
  }
  return distinct;
}

function isCanonical(points: readonly Metric[]): boolean {
  for (let i = 1; i < points.length; i++) if (compareMetricPoints(points[i - 1]!, points[i]!) >= 0) return false;
  return true;
}

/**
 * sha256 (hex) of a batch of metric points in a compact binary form, for the audit record of a batch. Canonical JSON
 * of 10,000 points costs more than storing them; this costs a fraction and binds the same facts. Encoding, in order:
 *   the ASCII bytes of METRIC_BATCH_ENCODING and a newline; then per point, in compareMetricPoints order, the key's
 *   UTF-8 length as uint16 big-endian, the key's UTF-8 bytes, and step, timestamp and value as IEEE-754 float64
 *   big-endian (steps and timestamps are safe integers, so exact), every NaN written as 0x7FF8000000000000 and -0 as
 *   +0 (databases do not keep the sign of zero).
 * Length prefixes make it injective: two different point lists cannot produce the same bytes. The point count is
 * recorded beside the digest rather than inside it, so the digest can be computed while streaming.
 * `points` must already be in canonical order (see canonicalBatch).
 */
export function metricBatchDigest(points: readonly Metric[]): string {
  const header = Buffer.from(`${METRIC_BATCH_ENCODING}\n`, 'ascii');
  // A batch names few distinct keys many times: each is encoded once, with its length prefix, and copied per point.
  // In canonical order a key's points are adjacent, so one is looked up once per run of points, not per point.
  const encodedKeys = new Map<string, Buffer>();
  const encodedKey = (key: string) => {
    let encoded = encodedKeys.get(key);
    if (encoded === undefined) {
      encoded = lengthPrefixed(key);
      encodedKeys.set(key, encoded);
    }
    return encoded;
  };
  let size = header.length;
  let lastKey: string | undefined;
  let key: Buffer = header;
  for (let i = 0; i < points.length; i++) {
    const m = points[i]!;
    if (m.key !== lastKey) {
      lastKey = m.key;
      key = encodedKey(m.key);
    }
    size += key.length + 24;
  }
  const buffer = Buffer.allocUnsafe(size);
  // DataView writes big-endian doubles natively; Buffer#writeDoubleBE goes through a byte-swapping copy per call.
  const view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  let offset = header.copy(buffer, 0);
  lastKey = undefined;
  for (let i = 0; i < points.length; i++) {
    const m = points[i]!;
    if (m.key !== lastKey) {
      lastKey = m.key;
      key = encodedKey(m.key);
    }
    for (let b = 0; b < key.length; b++) buffer[offset + b] = key[b]!;
    offset += key.length;
    view.setFloat64(offset, m.step);
    view.setFloat64(offset + 8, m.timestamp);
    if (Number.isNaN(m.value)) {
      view.setUint32(offset + 16, 0x7ff80000);
      view.setUint32(offset + 20, 0);
    } else {
      view.setFloat64(offset + 16, m.value === 0 ? 0 : m.value);
    }
    offset += 24;
  }
  return createHash('sha256').update(buffer).digest('hex');
}

/** A key's UTF-8 bytes after their length as uint16 big-endian: how every point of the key begins. */
function lengthPrefixed(key: string): Buffer {
  const length = keyLength(key);
  const encoded = Buffer.allocUnsafe(2 + length);
  encoded.writeUInt16BE(length, 0);
  encoded.write(key, 2, 'utf8');
  return encoded;
}

/** Computes metricBatchDigest one point at a time, for a verifier that meets a batch's points while streaming. */
export class MetricBatchHasher {
  private readonly hash: Hash = createHash('sha256').update(`${METRIC_BATCH_ENCODING}\n`, 'ascii');
  private readonly scratch = Buffer.allocUnsafe(2 + 0xffff + 24);
  count = 0;

  /** Points must arrive in compareMetricPoints order. */
  add(point: Metric): void {
    const end = writePoint(this.scratch, 0, point, keyLength(point.key));
    this.hash.update(this.scratch.subarray(0, end));
    this.count += 1;
  }

  digest(): string {
    return this.hash.digest('hex');
  }
}

function keyLength(key: string): number {
  const length = Buffer.byteLength(key, 'utf8');
  if (length > 0xffff) throw new RangeError(`metric key of ${length} bytes cannot be encoded`);
  return length;
}

function writePoint(buffer: Buffer, start: number, m: Metric, keyLength: number): number {
  let offset = buffer.writeUInt16BE(keyLength, start);
  offset += buffer.write(m.key, offset, 'utf8');
  offset = buffer.writeDoubleBE(m.step, offset);
  offset = buffer.writeDoubleBE(m.timestamp, offset);
  // NaN has many bit patterns and zero two signs; one fixed form keeps equal batches equal.
  if (Number.isNaN(m.value)) return buffer.writeBigUInt64BE(0x7ff8000000000000n, offset);
  return buffer.writeDoubleBE(m.value === 0 ? 0 : m.value, offset);
}
