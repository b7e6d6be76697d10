import { createHash } from 'node:crypto';
import type { Metric } from '../tracking/entities.js';

/**
 * Names the encoding below; audit records carry it next to the digest so a verifier knows how to recompute it.
 */
export const METRIC_BATCH_ENCODING = 'mnemo.metric-batch.v1';

/**
 * sha256 (hex) of a batch of metric points in a compact binary form, for the audit record of a batch. Canonical JSON
 * of 10,000 points costs more than storing them; this costs a fraction and binds the same facts. Encoding, in order:
 *   the ASCII bytes of METRIC_BATCH_ENCODING and a newline; the point count as uint32 big-endian; then per point
 *   the key's UTF-8 length as uint16 big-endian, the key's UTF-8 bytes, and step, timestamp and value as IEEE-754
 *   float64 big-endian (steps and timestamps are safe integers, so exact), every NaN written as 0x7FF8000000000000.
 * Length prefixes make it injective: two different batches (or orders) cannot produce the same bytes.
 */
export function metricBatchDigest(metrics: readonly Metric[]): string {
  const header = Buffer.from(`${METRIC_BATCH_ENCODING}\n`, 'ascii');
  const keyBytes = new Map<string, number>();
  let size = header.length + 4;
  for (const m of metrics) {
    let length = keyBytes.get(m.key);
    if (length === undefined) {
      length = Buffer.byteLength(m.key, 'utf8');
      if (length > 0xffff) throw new RangeError(`metric key of ${length} bytes cannot be encoded`);
      keyBytes.set(m.key, length);
    }
    size += 2 + length + 24;
  }
  const buffer = Buffer.allocUnsafe(size);
  let offset = header.copy(buffer, 0);
  offset = buffer.writeUInt32BE(metrics.length, offset);
  for (const m of metrics) {
    offset = buffer.writeUInt16BE(keyBytes.get(m.key)!, offset);
    offset += buffer.write(m.key, offset, 'utf8');
    offset = buffer.writeDoubleBE(m.step, offset);
    offset = buffer.writeDoubleBE(m.timestamp, offset);
    // NaN has many bit patterns; one fixed pattern keeps equal batches equal.
    offset = buffer.writeDoubleBE(Number.isNaN(m.value) ? Number.NaN : m.value, offset);
    if (Number.isNaN(m.value)) buffer.writeBigUInt64BE(0x7ff8000000000000n, offset - 8);
  }
  return createHash('sha256').update(buffer).digest('hex');
}
