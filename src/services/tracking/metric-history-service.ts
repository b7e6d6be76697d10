import { invalid, notFound } from '../../domain/errors.js';
import { downsampleMinMaxIndices } from '../../domain/metrics/downsample.js';
import { decodeHistoryCursor, encodeHistoryCursor } from '../../domain/metrics/history-cursor.js';
import { BLOCK_SHIFTS, downsampleBlocks, levelFor } from '../../domain/metrics/metric-blocks.js';
import type { Metric } from '../../domain/tracking/entities.js';
import { metricBlocks, metricPointCount } from '../../store/repositories/metric-block-repository.js';
import { metricEnds, metricHistoryPage, metricSeries } from '../../store/repositories/metric-repository.js';
import { findRunRow } from '../../store/repositories/run-repository.js';
import type { ServiceDeps } from './service-deps.js';

export const MAX_HISTORY_PAGE = 25_000;
export const MAX_SAMPLED_POINTS = 10_000;
const COARSEST_SHIFT = BLOCK_SHIFTS.at(-1)!;

export class MetricHistoryService {
  constructor(private readonly deps: ServiceDeps) {}

  /** One page of a metric's points in step order; the token resumes right after the last point returned. */
  async page(
    runId: string,
    key: string,
    options: { maxResults?: number | undefined; pageToken?: string | undefined },
  ): Promise<{ metrics: Metric[]; nextPageToken?: string }> {
    const limit = options.maxResults ?? MAX_HISTORY_PAGE;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_HISTORY_PAGE) {
      throw invalid(`max_results must be between 1 and ${MAX_HISTORY_PAGE}; got ${options.maxResults}`);
    }
    const after = options.pageToken ? decodeHistoryCursor(options.pageToken) : undefined;
    await this.requireRun(runId);
    const { metrics, last } = await metricHistoryPage(this.deps.store.db, runId, key, after, limit);
    const result: { metrics: Metric[]; nextPageToken?: string } = { metrics };
    if (metrics.length === limit && last) result.nextPageToken = encodeHistoryCursor(last);
    return result;
  }

  /**
   * A chart-ready series of at most `points` points that keeps each bucket's minimum and maximum, so spikes and
   * dips survive however long the history is. A long history is reduced from its per-block summaries (about as
   * many rows as points asked for); a short one, or one with too few distinct steps to bucket by step, from its
   * points.
   */
  async sampled(runId: string, key: string, points: number): Promise<{ metrics: Metric[]; totalPoints: number }> {
    if (!Number.isInteger(points) || points < 2 || points > MAX_SAMPLED_POINTS) {
      throw invalid(`points must be an integer between 2 and ${MAX_SAMPLED_POINTS}; got ${points}`);
    }
    await this.requireRun(runId);
    const db = this.deps.store.db;
    const totalPoints = await metricPointCount(db, runId, key, COARSEST_SHIFT);
    const buckets = Math.floor((points - 2) / 2);
    if (totalPoints > points && buckets > 0) {
      const ends = await metricEnds(db, runId, key);
      const shift = ends && levelFor(ends.last.step - ends.first.step + 1, buckets);
      if (ends && shift !== undefined) {
        const blocks = await metricBlocks(db, runId, key, shift);
        const kept = downsampleBlocks(blocks, ends.first, ends.last, buckets);
        return { metrics: kept.map((p) => ({ key, ...p })), totalPoints };
      }
    }
    const series = await metricSeries(db, runId, key);
    const kept = downsampleMinMaxIndices(series.count, (i) => series.values[i]!, points);
    return {
      metrics: kept.map((i) => ({
        key,
        step: series.steps[i]!,
        value: series.values[i]!,
        timestamp: series.timestamps[i]!,
      })),
      totalPoints: series.count,
    };
  }

  private async requireRun(runId: string): Promise<void> {
    if (!(await findRunRow(this.deps.store.db, runId))) throw notFound(`Run with id=${runId} not found`);
  }
}
