import type { HistoryCursor } from '../../../domain/metrics/history-cursor.js';
import { MetricBatchHasher } from '../../../domain/metrics/metric-batch-digest.js';
import type { RecordedBatch, RecordedMetrics } from '../../../domain/provenance/run-expectation.js';
import { metricKeysOfRun } from '../../../store/readers/tracking-reads.js';
import { historyCursorOf, metricRowsAfter } from '../../../store/repositories/metric-repository.js';
import type { Executor } from '../../../store/store.js';
import type { LatestPointCheck } from './latest-metric-check.js';
import { MetricBlockCheck, orphanBlockProblems } from './metric-block-check.js';

export interface MetricProblem {
  seq: number | null;
  message: string;
}

const PAGE = 20_000;

/**
 * Recomputes every batch's digest from the rows that carry its id and compares it with the event that logged it, so
 * a point edited, deleted or added behind the log is found and attributed to its batch; in the same pass, rebuilds
 * the chart summaries from the points and compares them with the stored ones. The run is read once, key
 * by key in step order — the order in which the digest was taken — so memory holds one hash state per batch rather
 * than the points; the same pass shows `latest` each key's points, to check the run's latest values against them.
 */
export async function metricBatchProblems(
  db: Executor,
  runId: string,
  recorded: RecordedMetrics,
  latest: LatestPointCheck,
): Promise<MetricProblem[]> {
  const found = new Map<number, MetricBatchHasher>();
  let unbatched = 0;
  // Sorted here, not by the database, whose collation need not compare strings as the digest does.
  const keys = (await metricKeysOfRun(db, runId)).sort();
  const problems: MetricProblem[] = [];
  const blocks = new MetricBlockCheck(db, runId);
  for (const key of keys) {
    blocks.startKey(key);
    latest.startKey(key);
    for await (const row of pointsInStepOrder(db, runId, key)) {
      const point = { key, step: row.step, timestamp: row.timestamp, value: row.is_nan ? Number.NaN : row.value };
      blocks.add(point);
      latest.add(row);
      if (row.batch === null) {
        unbatched += 1;
        continue;
      }
      let hasher = found.get(row.batch);
      if (!hasher) {
        hasher = new MetricBatchHasher();
        found.set(row.batch, hasher);
      }
      hasher.add(point);
    }
    for (const message of await blocks.finishKey()) problems.push({ seq: null, message });
  }
  for (const message of await orphanBlockProblems(db, runId, new Set(keys))) problems.push({ seq: null, message });

  for (const [batch, hasher] of found) {
    const logged = recorded.batches.get(batch);
    if (!logged) {
      problems.push({
        seq: null,
        message: `${points(hasher.count)} carry batch id ${batch}, which no logged batch recorded: inserted directly`,
      });
      continue;
    }
    const digest = hasher.digest();
    if (hasher.count === logged.count && digest === logged.sha256) continue;
    problems.push({ seq: logged.seq, message: batchMismatch(logged, hasher.count) });
  }
  for (const [batch, logged] of recorded.batches) {
    if (logged.count > 0 && !found.has(batch)) {
      problems.push({
        seq: logged.seq,
        message: `all ${points(logged.count)} logged by event ${logged.seq} were deleted`,
      });
    }
  }
  if (unbatched > recorded.unbatchedPoints) {
    problems.push({
      seq: null,
      message: `has ${points(unbatched)} without a batch id but its older batches logged ${recorded.unbatchedPoints}: points were inserted directly`,
    });
  }
  return problems.sort((a, b) => (a.seq ?? Number.MAX_SAFE_INTEGER) - (b.seq ?? Number.MAX_SAFE_INTEGER));
}

function batchMismatch(logged: RecordedBatch, count: number): string {
  const origin = `the metric points logged by event ${logged.seq}`;
  if (count < logged.count) return `${origin} were deleted or changed: ${count} of ${logged.count} remain`;
  if (count > logged.count) return `${origin} gained ${count - logged.count} inserted directly (${count} now)`;
  return `${origin} were changed: their digest no longer matches`;
}

const points = (n: number) => (n === 1 ? '1 metric point' : `${n} metric points`);

/** One metric's points in primary-key order, a page at a time. */
async function* pointsInStepOrder(db: Executor, runId: string, key: string) {
  let after: HistoryCursor | undefined;
  for (;;) {
    const rows = await metricRowsAfter(db, runId, key, after, PAGE);
    yield* rows;
    if (rows.length < PAGE) return;
    after = historyCursorOf(rows.at(-1)!);
  }
}
