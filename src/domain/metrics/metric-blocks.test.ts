import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Metric } from '../tracking/entities.js';
import { canonicalBatch } from './metric-batch-digest.js';
import {
  addPoint,
  BLOCK_SHIFTS,
  type BlockSummary,
  blockOf,
  downsampleBlocks,
  foldExtremes,
  levelFor,
  type SummaryPoint,
  summarize,
} from './metric-blocks.js';

const point = (step: number, value: number, timestamp = 1000 + step, key = 'loss'): Metric => ({
  key,
  step,
  timestamp,
  value,
});

/** A small deterministic generator so failures reproduce. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Merges per-batch summaries the way the database does: counts add, extremes fold. */
function mergeAll(batches: Metric[][]): Map<string, BlockSummary> {
  const stored = new Map<string, BlockSummary>();
  for (const batch of batches) {
    for (const s of summarize(batch)) {
      const id = `${s.key}/${s.shift}/${s.block}`;
      const current = stored.get(id);
      if (!current) stored.set(id, { ...s });
      else {
        current.count += s.count;
        foldExtremes(current, s);
      }
    }
  }
  return stored;
}

describe('summarize', () => {
  it('gives every level what a pass over the points at that level gives', () => {
    // The definition: each level's blocks built point by point.
    const byDefinition = (points: readonly Metric[]) =>
      BLOCK_SHIFTS.flatMap((shift) => {
        const blocks = new Map<string, BlockSummary>();
        for (const p of points) {
          const block = blockOf(p.step, shift);
          const id = `${p.key}/${block}`;
          const summary = blocks.get(id) ?? { key: p.key, shift, block, count: 0 };
          blocks.set(id, summary);
          addPoint(summary, p);
        }
        return [...blocks.values()];
      });
    const value = fc.oneof(fc.integer({ min: -3, max: 3 }), fc.double(), fc.constant(Number.NaN));
    const points = fc.array(
      fc.record({
        key: fc.constantFrom('a', 'b', 'c'),
        step: fc.oneof(fc.integer({ min: -20_000, max: 20_000 }), fc.integer({ min: 0, max: 100 })),
        timestamp: fc.integer({ min: 0, max: 5 }),
        value,
      }),
      { maxLength: 400 },
    );
    fc.assert(
      fc.property(points, fc.boolean(), (raw, canonical) => {
        const batch = canonical ? [...canonicalBatch(raw)] : raw;
        const sort = (list: BlockSummary[]) =>
          [...list].sort((x, y) => x.shift - y.shift || (x.key < y.key ? -1 : x.key > y.key ? 1 : x.block - y.block));
        expect(sort(summarize(batch))).toEqual(sort(byDefinition(batch)));
      }),
      { numRuns: 300 },
    );
  });

  it('counts points and keeps the extremes and the first NaN of every block at every level', () => {
    const points = [
      point(0, 3),
      point(5, -1),
      point(5, -1, 2000),
      point(33, Number.NaN),
      point(32, 9),
      point(34, Number.NaN, 1),
    ];
    const summaries = summarize(points);
    const finest = summaries.filter((s) => s.shift === 5).sort((a, b) => a.block - b.block);
    expect(finest).toMatchObject([
      {
        key: 'loss',
        shift: 5,
        block: 0,
        count: 3,
        min: { step: 5, timestamp: 1005, value: -1 },
        max: { step: 0, timestamp: 1000, value: 3 },
      },
      {
        key: 'loss',
        shift: 5,
        block: 1,
        count: 3,
        min: { step: 32, timestamp: 1032, value: 9 },
        max: { step: 32, timestamp: 1032, value: 9 },
        nan: { step: 33, timestamp: 1033, value: Number.NaN },
      },
    ]);
    for (const shift of BLOCK_SHIFTS.slice(1)) {
      const [only, ...rest] = summaries.filter((s) => s.shift === shift);
      expect(rest).toEqual([]);
      expect(only).toMatchObject({ block: 0, count: 6, min: { step: 5, value: -1 }, max: { step: 32, value: 9 } });
    }
  });

  it('places negative steps in the blocks below zero', () => {
    expect(blockOf(-1, 4)).toBe(-1);
    expect(blockOf(-16, 4)).toBe(-1);
    expect(blockOf(-17, 4)).toBe(-2);
    expect(blockOf(15, 4)).toBe(0);
  });

  it('gives the same stored summaries whatever way the points are split into batches and ordered', () => {
    const next = random(7);
    const points = Array.from({ length: 3000 }, (_, i) => point(Math.floor(next() * 5000), Math.round(next() * 20), i));
    const whole = mergeAll([points]);
    const shuffled = [...points].sort(() => next() - 0.5);
    const split = mergeAll([shuffled.slice(0, 700), shuffled.slice(700, 2100), shuffled.slice(2100)]);
    expect(split).toEqual(whole);
  });
});

describe('levelFor', () => {
  it('picks the coarsest level whose blocks fit in a bucket, or none for a short span', () => {
    expect(levelFor(1_000_000, 499)).toBe(9);
    expect(levelFor(100_000, 499)).toBe(5);
    expect(levelFor(10_000_000, 10)).toBe(13);
    expect(levelFor(15_000, 499)).toBeUndefined();
    expect(levelFor(32 * 499, 499)).toBe(5);
  });
});

describe('downsampleBlocks', () => {
  /** What downsampleBlocks must return, computed point by point with the same bucket rule. */
  function bruteForce(points: Metric[], shift: number, buckets: number): SummaryPoint[] {
    const sorted = [...points].sort((a, b) => a.step - b.step || a.timestamp - b.timestamp || a.value - b.value);
    const first = sorted[0]!;
    const last = sorted.at(-1)!;
    const span = last.step - first.step + 1;
    const bucketOf = (p: Metric) => {
      const start = Math.max(first.step, blockOf(p.step, shift) * 2 ** shift);
      return Math.min(buckets - 1, Math.floor(((start - first.step) * buckets) / span));
    };
    const mins = new Map<number, Metric>();
    const maxs = new Map<number, Metric>();
    for (const p of sorted) {
      const b = bucketOf(p);
      if (!mins.has(b) || p.value < mins.get(b)!.value) mins.set(b, p);
      if (!maxs.has(b) || p.value > maxs.get(b)!.value) maxs.set(b, p);
    }
    const out: SummaryPoint[] = [first];
    for (let b = 0; b < buckets; b++) {
      if (!mins.has(b)) continue;
      for (const p of [mins.get(b)!, maxs.get(b)!].sort((x, y) => x.step - y.step || x.timestamp - y.timestamp)) {
        const prev = out.at(-1)!;
        if (p !== prev && p !== first && p !== last) out.push(p);
      }
    }
    out.push(last);
    return out.map(({ step, timestamp, value }) => ({ step, timestamp, value }));
  }

  it('matches a point-by-point reduction with the same buckets on random histories', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const next = random(seed);
      const length = 20_000 + Math.floor(next() * 30_000);
      const start = Math.floor(next() * 1000) - 500;
      // Distinct values, so "the" minimum of a bucket is unambiguous.
      const points: Metric[] = [];
      for (let i = 0, step = start; i < length; i++) {
        step += 1 + (i % 3);
        points.push(point(step, next() + i * 1e-9, 5 * i));
      }
      const buckets = 100 + Math.floor(next() * 400);
      const last = points.at(-1)!;
      const shift = levelFor(last.step - points[0]!.step + 1, buckets)!;
      expect(shift).toBeDefined();
      const blocks = summarize(points).filter((s) => s.shift === shift);
      const got = downsampleBlocks(blocks, points[0]!, last, buckets);
      expect(got.map(({ step, timestamp, value }) => ({ step, timestamp, value }))).toEqual(
        bruteForce(points, shift, buckets),
      );
      expect(got.length).toBeLessThanOrEqual(2 * buckets + 2);
      const values = got.map((p) => p.value);
      expect(Math.min(...values)).toBe(Math.min(...points.map((p) => p.value)));
      expect(Math.max(...values)).toBe(Math.max(...points.map((p) => p.value)));
    }
  });

  it('keeps a spike that lies in the middle of a bucket, and shows a bucket of only NaN as one NaN point', () => {
    const points = Array.from({ length: 100_000 }, (_, i) => point(i, i >= 50_000 && i < 50_100 ? Number.NaN : 1));
    points[73_219] = point(73_219, 1e9);
    const shift = levelFor(100_000, 49)!;
    const got = downsampleBlocks(
      summarize(points).filter((s) => s.shift === shift),
      points[0]!,
      points.at(-1)!,
      49,
    );
    expect(got.some((p) => p.step === 73_219 && p.value === 1e9)).toBe(true);
    expect(got.map((p) => p.step)).toEqual([...got.map((p) => p.step)].sort((a, b) => a - b));
    expect(got.filter((p) => Number.isNaN(p.value))).toEqual([]);
    const nanOnly = Array.from({ length: 64 }, (_, i) => point(i * 1000, Number.NaN));
    const nanBlocks = summarize(nanOnly).filter((s) => s.shift === 9);
    const nanGot = downsampleBlocks(nanBlocks, nanOnly[0]!, nanOnly.at(-1)!, 10);
    expect(nanGot.length).toBeGreaterThan(2);
    expect(nanGot.every((p) => Number.isNaN(p.value))).toBe(true);
  });
});
