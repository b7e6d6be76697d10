import { MetricBatchHasher } from '../../../domain/metrics/metric-batch-digest.js';
import { MalformedChunk } from '../../../domain/metrics/metric-chunks.js';
import { comparePoints } from '../../../domain/metrics/series-merge.js';
import type { RecordedBatch, RecordedMetrics } from '../../../domain/provenance/run-expectation.js';
import { metricKeysOfRun } from '../../../store/readers/tracking-reads.js';
import { legacyPointRows } from '../../../store/repositories/legacy-metric-rows.js';
import { columnsOf, metricChunks } from '../../../store/repositories/metric-chunk-repository.js';
import type { Executor } from '../../../store/store.js';
import type { LatestPointCheck } from './latest-metric-check.js';
import { MetricBlockCheck, orphanBlockProblems } from './metric-block-check.js';

export interface MetricProblem {
  seq: number | null;
  message: string;
}

/**
 * Recomputes every batch's digest from the chunks that carry its id (and from any point rows not converted to
 * chunks, or written behind the log into the old table) and compares it with the event that logged it, so a point
 * edited, deleted or added behind the log is found and attributed to its batch; in the same pass, rebuilds the
 * chart summaries from the points and compares them with the stored ones. The run is read key by key and each key's
 * points are put in history order — the order in which the digest was taken — so memory holds one key's points and
 * one hash state per batch; the same pass shows `latest` each key's points, to check the run's latest values.
 */
export async function metricBatchProblems(
  db: Executor,
  runId: string,
  recorded: RecordedMetrics,
  latest: LatestPointCheck,
): Promise<MetricProblem[]> {
  const found = new Map<number, MetricBatchHasher>();
  const broken = new Map<number, string>();
  let unbatched = 0;
  // Sorted here, not by the database, whose collation need not compare strings as the digest does.
  const keys = (await metricKeysOfRun(db, runId)).sort();
  const problems: MetricProblem[] = [];
  const blocks = new MetricBlockCheck(db, runId);
  for (const key of keys) {
    blocks.startKey(key);
    latest.startKey(key);
    const points = await pointsOfKey(db, runId, key, broken);
    for (const i of points.order) {
      const value = points.values[i]!;
      const isNan = Number.isNaN(value);
      const point = { key, step: points.steps[i]!, timestamp: points.timestamps[i]!, value };
      blocks.add(point);
      latest.add({ step: point.step, timestamp: point.timestamp, value: isNan ? 0 : value, is_nan: isNan ? 1 : 0 });
      const batch = points.batches[i]!;
      if (batch === 0) {
        unbatched += 1;
        continue;
      }
      let hasher = found.get(batch);
      if (!hasher) {
        hasher = new MetricBatchHasher();
        found.set(batch, hasher);
      }
      hasher.add(point);
    }
    for (const message of await blocks.finishKey()) problems.push({ seq: null, message });
  }
  for (const message of await orphanBlockProblems(db, runId, new Set(keys))) problems.push({ seq: null, message });
  for (const [batch, reason] of broken) {
    const logged = recorded.batches.get(batch);
    problems.push({
      seq: logged?.seq ?? null,
      message: logged
        ? `the metric points logged by event ${logged.seq} were changed: ${reason}`
        : `a chunk of batch id ${batch}, which no logged batch recorded, ${reason}`,
    });
    found.delete(batch);
  }

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
    if (logged.count > 0 && !found.has(batch) && !broken.has(batch)) {
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

/** One key's points from its chunks and its point rows, with the batch of each (0: none) and their history order. */
async function pointsOfKey(db: Executor, runId: string, key: string, broken: Map<number, string>) {
  const [chunks, rows] = await Promise.all([metricChunks(db, runId, key), legacyPointRows(db, runId, key)]);
  const steps: number[] = [];
  const timestamps: number[] = [];
  const values: number[] = [];
  const batches: number[] = [];
  for (const chunk of chunks) {
    let columns: ReturnType<typeof columnsOf>;
    try {
      columns = columnsOf(chunk);
    } catch (error) {
      if (!(error instanceof MalformedChunk)) throw error;
      broken.set(
        chunk.batch,
        `a chunk of metric '${key}' from step ${chunk.first_step} cannot be read (${error.message})`,
      );
      continue;
    }
    for (let i = 0; i < columns.count; i++) {
      steps.push(columns.steps[i]!);
      timestamps.push(columns.timestamps[i]!);
      values.push(columns.values[i]!);
      batches.push(chunk.batch);
    }
  }
  for (const row of rows) {
    steps.push(row.step);
    timestamps.push(row.timestamp);
    values.push(row.is_nan ? Number.NaN : row.value);
    batches.push(row.batch ?? 0);
  }
  const order = Array.from({ length: steps.length }, (_, i) => i);
  const compare = (a: number, b: number) =>
    comparePoints(steps[a]!, timestamps[a]!, values[a]!, steps[b]!, timestamps[b]!, values[b]!);
  let sorted = true;
  for (let i = 1; i < order.length && sorted; i++) sorted = compare(i - 1, i) <= 0;
  if (!sorted) order.sort(compare);
  return { order, steps, timestamps, values, batches };
}
