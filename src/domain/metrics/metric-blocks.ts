import type { Metric } from '../tracking/entities.js';

/**
 * Per-block summaries of a metric's history, kept up to date at ingest, so a chart of a million-point series reads
 * a few thousand summaries instead of a million points. A block at level `shift` covers the steps
 * [block·2^shift, (block+1)·2^shift). Levels are a factor of 16 apart: whatever the zoom, some level has between 1
 * and 16 blocks per chart bucket. Each level costs ingest time (a pass over the batch and an upsert per block), so
 * there are only three; spans too short for the finest are read point by point, which is then cheap anyway.
 */
export const BLOCK_SHIFTS = [5, 9, 13] as const;

/** A point as a summary keeps it. */
export interface SummaryPoint {
  step: number;
  timestamp: number;
  value: number;
}

export interface BlockSummary {
  key: string;
  shift: number;
  block: number;
  count: number;
  /** The lowest and highest non-NaN points; absent when the block holds only NaN. */
  min?: SummaryPoint;
  max?: SummaryPoint;
  /** The earliest NaN point, so a stretch of only NaN still shows as a gap. */
  nan?: SummaryPoint;
}

export const blockOf = (step: number, shift: number): number => Math.floor(step / 2 ** shift);

/** Folds `point` into `summary` (which it must belong to). Ties keep the earlier step, so merging is order-free. */
export function addPoint(summary: BlockSummary, point: SummaryPoint): void {
  summary.count += 1;
  if (Number.isNaN(point.value)) {
    if (!summary.nan || earlier(point, summary.nan)) summary.nan = point;
    return;
  }
  const { min, max } = summary;
  if (!min || point.value < min.value || (point.value === min.value && earlier(point, min))) summary.min = point;
  if (!max || point.value > max.value || (point.value === max.value && earlier(point, max))) summary.max = point;
}

/** Folds another summary's extremes (not its count) into `summary`. */
export function foldExtremes(summary: BlockSummary, other: Pick<BlockSummary, 'min' | 'max' | 'nan'>): void {
  if (other.min && (!summary.min || before(other.min, summary.min, (a, b) => a < b))) summary.min = other.min;
  if (other.max && (!summary.max || before(other.max, summary.max, (a, b) => a > b))) summary.max = other.max;
  if (other.nan && (!summary.nan || earlier(other.nan, summary.nan))) summary.nan = other.nan;
}

function before(a: SummaryPoint, b: SummaryPoint, better: (x: number, y: number) => boolean): boolean {
  if (a.value !== b.value) return better(a.value, b.value);
  return earlier(a, b);
}

const earlier = (a: SummaryPoint, b: SummaryPoint) => (a.step !== b.step ? a.step < b.step : a.timestamp < b.timestamp);

/**
 * The summaries that new points change, at every level: what ingest merges into the stored ones. Points in
 * canonical order (grouped by key, steps ascending — see canonicalBatch) are summarised in one pass at the finest
 * level, since each block's points are then adjacent; any other order is sorted first. Each coarser level folds the
 * level below it (its blocks nest exactly, 16 to one), which yields the same summaries as a pass over the points,
 * as addPoint and foldExtremes break ties alike, for a sixteenth of the work.
 */
export function summarize(points: readonly Metric[]): BlockSummary[] {
  const ordered = isGroupedInStepOrder(points) ? points : [...points].sort(byKeyThenStep);
  const finestShift = BLOCK_SHIFTS[0];
  const width = 2 ** finestShift;
  let level: BlockSummary[] = [];
  let current: BlockSummary | undefined;
  for (const p of ordered) {
    // Not blockOf: a power with a variable exponent per point costs more than the rest of the loop.
    const block = Math.floor(p.step / width);
    if (!current || current.block !== block || current.key !== p.key) {
      current = { key: p.key, shift: finestShift, block, count: 0 };
      level.push(current);
    }
    addPoint(current, p);
  }
  const summaries = level;
  for (let i = 1; i < BLOCK_SHIFTS.length; i++) {
    level = foldLevel(level, BLOCK_SHIFTS[i]!, BLOCK_SHIFTS[i]! - BLOCK_SHIFTS[i - 1]!);
    summaries.push(...level);
  }
  return summaries;
}

/** The blocks at `shift` made of `finer` blocks (in key and block order), each `2^step` of them to one. */
function foldLevel(finer: readonly BlockSummary[], shift: number, step: number): BlockSummary[] {
  const coarser: BlockSummary[] = [];
  let current: BlockSummary | undefined;
  for (const s of finer) {
    // Not a right shift: that works on 32 bits, and steps (safe integers) make blocks far beyond them.
    const block = Math.floor(s.block / 2 ** step);
    if (!current || current.block !== block || current.key !== s.key) {
      current = { key: s.key, shift, block, count: 0 };
      coarser.push(current);
    }
    current.count += s.count;
    foldExtremes(current, s);
  }
  return coarser;
}

const byKeyThenStep = (a: Metric, b: Metric) => (a.key !== b.key ? (a.key < b.key ? -1 : 1) : a.step - b.step);

function isGroupedInStepOrder(points: readonly Metric[]): boolean {
  for (let i = 1; i < points.length; i++) {
    const order = byKeyThenStep(points[i - 1]!, points[i]!);
    if (order > 0) return false;
  }
  return true;
}

/**
 * Builds one metric's summaries at every level from its points arriving in step order, holding only finished
 * summaries: what a verifier compares with the stored ones without keeping the points.
 */
export class BlockAccumulator {
  private readonly open = new Map<number, BlockSummary>();
  private readonly finished: BlockSummary[] = [];

  constructor(private readonly key: string) {}

  add(point: SummaryPoint): void {
    for (const shift of BLOCK_SHIFTS) {
      const block = blockOf(point.step, shift);
      let current = this.open.get(shift);
      if (!current || current.block !== block) {
        if (current) this.finished.push(current);
        current = { key: this.key, shift, block, count: 0 };
        this.open.set(shift, current);
      }
      addPoint(current, point);
    }
  }

  finish(): BlockSummary[] {
    return [...this.finished, ...this.open.values()];
  }
}

/**
 * The level to chart `span` steps in `buckets` buckets from: the coarsest whose blocks still fit in one bucket, or
 * undefined when even the finest is too coarse (a short span; the caller then reads the points themselves).
 */
export function levelFor(span: number, buckets: number): number | undefined {
  const width = span / buckets;
  let chosen: number | undefined;
  for (const shift of BLOCK_SHIFTS) if (2 ** shift <= width) chosen = shift;
  return chosen;
}

/**
 * A chart-ready series from block summaries: the first and last points, then per bucket of equal step width its
 * lowest and highest point (or its first NaN when it has nothing else), in step order. Spikes and dips survive, as
 * with the point-by-point min/max reduction; buckets are aligned to blocks, so an extreme sits in the bucket that
 * holds its block's start.
 */
export function downsampleBlocks(
  blocks: readonly BlockSummary[],
  first: SummaryPoint,
  last: SummaryPoint,
  buckets: number,
  /** Receives, per bucket whose NaN the sample leaves out, its first NaN point, so a chart can still mark it. */
  hiddenNaN?: SummaryPoint[],
): SummaryPoint[] {
  const span = last.step - first.step + 1;
  const perBucket: (BlockSummary | undefined)[] = new Array(buckets);
  for (const b of blocks) {
    const start = Math.max(first.step, b.block * 2 ** b.shift);
    const index = Math.min(buckets - 1, Math.floor(((start - first.step) * buckets) / span));
    let bucket = perBucket[index];
    if (!bucket) {
      bucket = { key: b.key, shift: b.shift, block: index, count: 0 };
      perBucket[index] = bucket;
    }
    bucket.count += b.count;
    foldExtremes(bucket, b);
  }
  const out: SummaryPoint[] = [first];
  const same = (a: SummaryPoint, b: SummaryPoint) =>
    a.step === b.step && a.timestamp === b.timestamp && Object.is(a.value, b.value);
  // Buckets come in step order, so a repeat can only be the point just pushed, the first point or the last one.
  const push = (p: SummaryPoint) => {
    if (!same(p, out.at(-1)!) && !same(p, first) && !same(p, last)) out.push(p);
  };
  for (const bucket of perBucket) {
    if (!bucket) continue;
    if (!bucket.min || !bucket.max) {
      if (bucket.nan) push(bucket.nan);
      continue;
    }
    const [a, b] = earlier(bucket.max, bucket.min) ? [bucket.max, bucket.min] : [bucket.min, bucket.max];
    push(a);
    push(b);
    if (bucket.nan) hiddenNaN?.push(bucket.nan);
  }
  out.push(last);
  return out;
}
