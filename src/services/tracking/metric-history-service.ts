import { invalid, notFound } from '../../domain/errors.js';
import { downsampleMinMaxIndices } from '../../domain/metrics/downsample.js';
import { decodeHistoryCursor, encodeHistoryCursor } from '../../domain/metrics/history-cursor.js';
import {
  BLOCK_SHIFTS,
  type BlockSummary,
  blockOf,
  downsampleBlocks,
  levelFor,
  type SummaryPoint,
  summarize,
} from '../../domain/metrics/metric-blocks.js';
import type { Metric } from '../../domain/tracking/entities.js';
import { metricBlocks, metricPointCount } from '../../store/repositories/metric-block-repository.js';
import {
  metricEnds,
  metricHistoryPage,
  metricSeries,
  pointAt,
  type StepRange,
} from '../../store/repositories/metric-repository.js';
import { findRunRow } from '../../store/repositories/run-repository.js';
import type { ServiceDeps } from '../service-deps.js';

export const MAX_HISTORY_PAGE = 25_000;
export const MAX_SAMPLED_POINTS = 10_000;
const COARSEST_SHIFT = BLOCK_SHIFTS.at(-1)!;

/** Refuses a step range whose ends are not integers or are the wrong way round. */
function checkRange(range: StepRange): void {
  for (const [name, step] of Object.entries(range)) {
    if (step !== undefined && !Number.isSafeInteger(step)) throw invalid(`${name} must be an integer; got ${step}`);
  }
  const { startStep, endStep } = range;
  if (startStep !== undefined && endStep !== undefined && startStep > endStep) {
    throw invalid(`startStep (${startStep}) must not be after endStep (${endStep})`);
  }
}

export class MetricHistoryService {
  constructor(private readonly deps: ServiceDeps) {}

  /**
   * One page of a metric's points in step order, optionally over a range of steps only; the token resumes right
   * after the last point returned.
   */
  async page(
    runId: string,
    key: string,
    options: { maxResults?: number | undefined; pageToken?: string | undefined },
    range: StepRange = {},
  ): Promise<{ metrics: Metric[]; nextPageToken?: string }> {
    const limit = options.maxResults ?? MAX_HISTORY_PAGE;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_HISTORY_PAGE) {
      throw invalid(`max_results must be between 1 and ${MAX_HISTORY_PAGE}; got ${options.maxResults}`);
    }
    checkRange(range);
    const after = options.pageToken ? decodeHistoryCursor(options.pageToken) : undefined;
    await this.requireRun(runId);
    const { metrics, last } = await metricHistoryPage(this.deps.store.db, runId, key, after, limit, range);
    const result: { metrics: Metric[]; nextPageToken?: string } = { metrics };
    if (metrics.length === limit && last) result.nextPageToken = encodeHistoryCursor(last);
    return result;
  }

  /**
   * A chart-ready series of at most `points` points that keeps each bucket's minimum and maximum, so spikes and
   * dips survive however long the history is, optionally over a range of steps only (a zoomed chart). A long span
   * is reduced from the per-block summaries kept at ingest (about as many rows as points asked for, plus the points
   * of the two blocks the range cuts through); a short one, or one with too few distinct steps to bucket by step,
   * from its points. `totalPoints` counts the whole history.
   */
  async sampled(
    runId: string,
    key: string,
    points: number,
    range: StepRange = {},
  ): Promise<{ metrics: Metric[]; totalPoints: number; hiddenNaN: Metric[] }> {
    if (!Number.isInteger(points) || points < 2 || points > MAX_SAMPLED_POINTS) {
      throw invalid(`points must be an integer between 2 and ${MAX_SAMPLED_POINTS}; got ${points}`);
    }
    const { startStep, endStep } = range;
    checkRange(range);
    const db = this.deps.store.db;
    const buckets = Math.floor((points - 2) / 2);
    const ranged = startStep !== undefined || endStep !== undefined;
    // Independent reads, sent together: on PostgreSQL each takes a pooled connection, so their round trips overlap.
    // The ends are read before knowing whether the history is long enough to need them, as a chart's usually is.
    const endsRead = buckets > 0 ? metricEnds(db, runId, key, range) : undefined;
    endsRead?.catch(() => {}); // awaited below when needed; a failure of the run check is the one to report
    const [, totalPoints] = await Promise.all([
      this.requireRun(runId),
      metricPointCount(db, runId, key, COARSEST_SHIFT),
    ]);
    if (endsRead && (ranged || totalPoints > points)) {
      const ends = await endsRead;
      if (!ends) return { metrics: [], totalPoints, hiddenNaN: [] };
      const shift = levelFor(ends.last.step - ends.first.step + 1, buckets);
      if (shift !== undefined) {
        const blocks = await this.blocksWithin(runId, key, shift, range, ends.first.step, ends.last.step);
        const hidden: SummaryPoint[] = [];
        const kept = downsampleBlocks(blocks, ends.first, ends.last, buckets, hidden);
        return {
          metrics: kept.map((p) => ({ key, ...p })),
          totalPoints,
          hiddenNaN: hidden.map((p) => ({ key, ...p })),
        };
      }
    }
    const series = await metricSeries(db, runId, key, range);
    const hidden: number[] = [];
    const kept = downsampleMinMaxIndices(series.count, (i) => series.values[i]!, points, hidden);
    return {
      metrics: kept.map((i) => pointAt(series, key, i)),
      hiddenNaN: hidden.map((i) => pointAt(series, key, i)),
      totalPoints: ranged ? Math.max(totalPoints, series.count) : series.count,
    };
  }

  /**
   * The stored summaries of the blocks from `first` to `last` at one level, except that a block the range cuts
   * through is summarised afresh from its points inside the range, so nothing outside the range shows.
   */
  private async blocksWithin(
    runId: string,
    key: string,
    shift: number,
    range: StepRange,
    first: number,
    last: number,
  ): Promise<BlockSummary[]> {
    const db = this.deps.store.db;
    const width = 2 ** shift;
    const from = blockOf(first, shift);
    const to = blockOf(last, shift);
    const cut = new Set<number>();
    if (range.startStep !== undefined && range.startStep > from * width) cut.add(from);
    if (range.endStep !== undefined && range.endStep < (to + 1) * width - 1) cut.add(to);
    const stored = await metricBlocks(db, runId, key, shift, from, to);
    if (cut.size === 0) return stored;
    const fresh: BlockSummary[] = [];
    for (const block of cut) {
      const series = await metricSeries(db, runId, key, {
        startStep: Math.max(first, block * width),
        endStep: Math.min(last, (block + 1) * width - 1),
      });
      const inside = Array.from({ length: series.count }, (_, i) => pointAt(series, key, i));
      fresh.push(...summarize(inside).filter((s) => s.shift === shift));
    }
    return [...stored.filter((s) => !cut.has(s.block)), ...fresh].sort((a, b) => a.block - b.block);
  }

  private async requireRun(runId: string): Promise<void> {
    if (!(await findRunRow(this.deps.store.db, runId))) throw notFound(`Run with id=${runId} not found`);
  }
}
