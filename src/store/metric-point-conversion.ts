import { compareMetricPoints } from '../domain/metrics/metric-batch-digest.js';
import { packPoints } from '../domain/metrics/metric-chunks.js';
import type { Metric } from '../domain/tracking/entities.js';
import {
  deleteLegacySeries,
  legacyPointCount,
  legacyPointRows,
  nextLegacySeries,
} from './repositories/legacy-metric-rows.js';
import { insertMetricChunks } from './repositories/metric-chunk-repository.js';
import type { Store } from './store.js';

export interface ConversionOptions {
  /** Receives a line of progress now and then. */
  progress?: (line: string) => void;
  /** Stops after this many series (to convert a large database in sittings); all when absent. */
  maxSeries?: number;
}

/**
 * Converts metric points stored a row each into chunks, in place: one series (run and key) per transaction, its
 * points regrouped by the batch that logged them, so every batch digest in the audit log still matches. Each series
 * commits on its own, so an interrupted conversion resumes where it stopped; returns how many points it converted.
 */
export async function convertLegacyMetricPoints(store: Store, options: ConversionOptions = {}): Promise<number> {
  const first = await nextLegacySeries(store.db);
  if (!first) return 0;
  const total = await legacyPointCount(store.db);
  const progress = options.progress ?? (() => {});
  progress(`converting ${total} metric points to chunks`);
  let converted = 0;
  let series = 0;
  let reported = Date.now();
  for (let next: typeof first | undefined = first; next; next = await nextLegacySeries(store.db)) {
    if (options.maxSeries !== undefined && series >= options.maxSeries) break;
    const { run_id: runId, key } = next;
    converted += await store.db.transaction().execute(async (trx) => {
      const rows = await legacyPointRows(trx, runId, key);
      const byBatch = new Map<number, Metric[]>();
      for (const row of rows) {
        const batch = row.batch ?? 0;
        const point = { key, step: row.step, timestamp: row.timestamp, value: row.is_nan ? Number.NaN : row.value };
        const group = byBatch.get(batch);
        if (group) group.push(point);
        else byBatch.set(batch, [point]);
      }
      for (const [batch, points] of byBatch) {
        await insertMetricChunks(trx, runId, batch, packPoints(points.sort(compareMetricPoints)));
      }
      await deleteLegacySeries(trx, runId, key);
      return rows.length;
    });
    series += 1;
    if (Date.now() - reported > 1000) {
      reported = Date.now();
      progress(`converted ${converted} of ${total} metric points`);
    }
  }
  progress(`converted ${converted} of ${total} metric points`);
  return converted;
}
