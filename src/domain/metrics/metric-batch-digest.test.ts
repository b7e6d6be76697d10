import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Metric } from '../tracking/entities.js';
import { canonicalBatch, compareMetricPoints, MetricBatchHasher, metricBatchDigest } from './metric-batch-digest.js';

const point = (key: string, value: number, step = 0, timestamp = 0): Metric => ({ key, value, step, timestamp });
const digestOf = (points: readonly Metric[]) => metricBatchDigest(canonicalBatch(points));

describe('metricBatchDigest', () => {
  it('hashes the documented byte layout', () => {
    // Built by hand from the layout in the doc comment, independently of the implementation's buffer code.
    const bytes = [
      ...Buffer.from('mnemo.metric-batch.v2\n', 'ascii'),
      ...[0, 2],
      ...Buffer.from('é', 'utf8'),
      ...[0x40, 0x08, 0, 0, 0, 0, 0, 0], // step 3
      ...[0x40, 0x59, 0, 0, 0, 0, 0, 0], // timestamp 100
      ...[0xbf, 0xf8, 0, 0, 0, 0, 0, 0], // value -1.5
    ];
    const expected = createHash('sha256').update(Buffer.from(bytes)).digest('hex');
    expect(metricBatchDigest([point('é', -1.5, 3, 100)])).toBe(expected);
  });

  it('tells apart batches that differ in any field or in key boundaries, whatever order they were sent in', () => {
    const base = [point('loss', 0.5, 1, 10), point('acc', 0.9, 1, 10)];
    const digest = digestOf(base);
    expect(digestOf([base[1]!, base[0]!])).toBe(digest);
    const variants = [
      [point('loss', 0.5000000000000001, 1, 10), base[1]!],
      [point('loss', 0.5, 2, 10), base[1]!],
      [point('loss', 0.5, 1, 11), base[1]!],
      [point('loss', 0.5, 10, 1), base[1]!],
      [point('loss', 0.5, 1, 10)],
      [...base, point('acc', 0.9, 1, 11)],
      [point('lossa', 0.5, 1, 10), point('cc', 0.9, 1, 10)],
      [],
    ];
    const digests = new Set([digest, ...variants.map(digestOf)]);
    expect(digests.size).toBe(variants.length + 1);
  });

  it('matches the point-by-point hasher a verifier uses, for keys of any script and every kind of value', () => {
    const keys = ['loss', 'é', 'train/αβγ', '指标', 'k'.repeat(300)];
    const values = [0, -0, 1.5, -2.25e-300, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1 / 3];
    const points = Array.from({ length: 500 }, (_, i) =>
      point(
        keys[i % keys.length]!,
        values[(i * 7) % values.length]! * (i + 1),
        Math.floor(i / 3),
        1_700_000_000_000 + i,
      ),
    );
    const batch = canonicalBatch(points);
    const hasher = new MetricBatchHasher();
    for (const p of batch) hasher.add(p);
    expect(metricBatchDigest(batch)).toBe(hasher.digest());
    expect(hasher.count).toBe(batch.length);
  });

  it('treats every NaN alike, zero of either sign alike, and keeps infinities apart', () => {
    const nanFromBits = new Float64Array(new BigUint64Array([0x7ff0000000000001n]).buffer)[0]!;
    expect(Number.isNaN(nanFromBits)).toBe(true);
    expect(digestOf([point('x', nanFromBits)])).toBe(digestOf([point('x', Number.NaN)]));
    expect(digestOf([point('x', -0)])).toBe(digestOf([point('x', 0)]));
    const special = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 0].map((v) =>
      digestOf([point('x', v)]),
    );
    expect(new Set(special).size).toBe(4);
  });
});

describe('canonicalBatch', () => {
  it('orders by key, step, timestamp, then value with NaN last, and drops repeated points', () => {
    const sent = [
      point('b', 1, 2, 5),
      point('a', Number.NaN, 1, 1),
      point('a', 3, 1, 1),
      point('b', 1, 2, 5),
      point('a', -2, 1, 1),
      point('a', 0, 1, 0),
      point('B', 9, 9, 9),
      point('a', Number.NaN, 1, 1),
    ];
    expect(canonicalBatch(sent)).toEqual([
      point('B', 9, 9, 9),
      point('a', 0, 1, 0),
      point('a', -2, 1, 1),
      point('a', 3, 1, 1),
      point('a', Number.NaN, 1, 1),
      point('b', 1, 2, 5),
    ]);
  });

  it('returns an already ordered batch as it is, without copying', () => {
    const ordered = [point('a', 1, 0), point('a', 1, 1), point('b', 0, 0)];
    expect(canonicalBatch(ordered)).toBe(ordered);
    expect(compareMetricPoints(point('a', 1), point('a', 1))).toBe(0);
  });
});

describe('MetricBatchHasher', () => {
  it('gives the same digest point by point as the whole batch at once', () => {
    const points = canonicalBatch(
      Array.from({ length: 500 }, (_, i) =>
        point(['loss', 'acc', 'λ', '😀x'][i % 4]!, i % 7 === 0 ? Number.NaN : Math.cos(i), i % 50, i),
      ),
    );
    const hasher = new MetricBatchHasher();
    for (const p of points) hasher.add(p);
    expect(hasher.count).toBe(points.length);
    expect(hasher.digest()).toBe(metricBatchDigest(points));
    expect(new MetricBatchHasher().digest()).toBe(metricBatchDigest([]));
  });
});
