import { compareMetricPoints } from '../domain/metrics/metric-batch-digest.js';
import { packPoints } from '../domain/metrics/metric-chunks.js';
import type { Metric } from '../domain/tracking/entities.js';
import {
  deleteLegacySeriesThrough,
  firstLegacyRows,
  type LegacySeriesRow,
  legacyPointCount,
  legacyPointRows,
} from './repositories/legacy-metric-rows.js';
import { insertMetricChunks } from './repositories/metric-chunk-repository.js';
import type { Executor, Store } from './store.js';

export interface ConversionOptions {
  /** Receives a line of progress now and then. */
  progress?: (line: string) => void;
  /** Stops after this many transactions (to convert a large database in sittings); all when absent. */
  maxSteps?: number;
  /** Points read per transaction; a series longer than that is converted whole in a transaction of its own. */
  pointsPerStep?: number;
}

/**
 * Converts metric points stored a row each into chunks, in place, in transactions of whole series (run and key) and
 * about `pointsPerStep` points; each series' points are regrouped by the batch that logged them, so every batch
 * digest in the audit log still matches. Each transaction commits on its own and deletes the rows it converted, so
 * an interrupted conversion resumes where it stopped. Returns how many points it converted.
 */
export async function convertLegacyMetricPoints(store: Store, options: ConversionOptions = {}): Promise<number> {
  const size = options.pointsPerStep ?? 20_000;
  if ((await firstLegacyRows(store.db, 1)).length === 0) return 0;
  const total = await legacyPointCount(store.db);
  const progress = options.progress ?? (() => {});
  progress(`converting ${total} metric points to chunks`);
  let converted = 0;
  let reported = Date.now();
  for (let step = 0; options.maxSteps === undefined || step < options.maxSteps; step++) {
    const done = await store.db.transaction().execute(async (trx) => {
      const rows = await firstLegacyRows(trx, size);
      if (rows.length === 0) return undefined;
      const last = rows.at(-1)!;
      const sameSeries = (row: LegacySeriesRow) => row.run_id === last.run_id && row.key === last.key;
      let whole = rows;
      if (rows.length === size) {
        // The slice may end inside its last series: that one waits for the next transaction, read whole there.
        const cut = rows.findIndex(sameSeries);
        whole = cut > 0 ? rows.slice(0, cut) : await seriesRows(trx, last.run_id, last.key);
      }
      await writeChunks(trx, whole);
      const end = whole.at(-1)!;
      await deleteLegacySeriesThrough(trx, end.run_id, end.key);
      return whole.length;
    });
    if (done === undefined) break;
    converted += done;
    if (Date.now() - reported > 1000) {
      reported = Date.now();
      progress(`converted ${converted} of ${total} metric points`);
    }
  }
  progress(`converted ${converted} of ${total} metric points`);
  return converted;
}

async function seriesRows(db: Executor, runId: string, key: string): Promise<LegacySeriesRow[]> {
  return (await legacyPointRows(db, runId, key)).map((row) => ({ ...row, run_id: runId, key }));
}

/** Packs rows of whole series into chunks per run, key and batch (0 for rows without one). */
async function writeChunks(db: Executor, rows: readonly LegacySeriesRow[]): Promise<void> {
  const groups = new Map<string, { runId: string; batch: number; points: Metric[] }>();
  for (const row of rows) {
    const batch = row.batch ?? 0;
    const id = `${batch}\u0000${row.run_id}`;
    let group = groups.get(id);
    if (!group) {
      group = { runId: row.run_id, batch, points: [] };
      groups.set(id, group);
    }
    group.points.push({
      key: row.key,
      step: row.step,
      timestamp: row.timestamp,
      value: row.is_nan ? Number.NaN : row.value,
    });
  }
  for (const { runId, batch, points } of groups.values()) {
    await insertMetricChunks(db, runId, batch, packPoints(points.sort(compareMetricPoints)));
  }
}
