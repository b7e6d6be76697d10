import type { BlockSummary, SummaryPoint } from '../../domain/metrics/metric-blocks.js';
import { dialectOf } from '../dialect/dialect-of.js';
import type { RunRowsWrite } from '../dialect/sql-dialect.js';
import type { MetricBlocksTable } from '../schema.js';
import type { Executor } from '../store.js';

// A stored extreme is replaced when the new one is lower (higher), or equal and earlier: the same rule as
// foldExtremes, so the stored summary does not depend on the order batches arrived in. SET expressions read the
// row as it was before the update on both databases.
const replaces = (side: 'min' | 'max', better: '<' | '>') =>
  `excluded.${side}_value is not null and (metric_blocks.${side}_value is null
    or excluded.${side}_value ${better} metric_blocks.${side}_value
    or (excluded.${side}_value = metric_blocks.${side}_value and (excluded.${side}_step < metric_blocks.${side}_step
      or (excluded.${side}_step = metric_blocks.${side}_step
        and excluded.${side}_timestamp < metric_blocks.${side}_timestamp))))`;
const nanReplaces = `excluded.nan_step is not null and (metric_blocks.nan_step is null
    or excluded.nan_step < metric_blocks.nan_step
    or (excluded.nan_step = metric_blocks.nan_step and excluded.nan_timestamp < metric_blocks.nan_timestamp))`;
const pick = (condition: string, columns: string[]) =>
  columns.map((c) => `${c} = case when ${condition} then excluded.${c} else metric_blocks.${c} end`).join(',\n  ');

const MERGE = `on conflict (run_id, key, shift, block) do update set
  count = metric_blocks.count + excluded.count,
  ${pick(replaces('min', '<'), ['min_step', 'min_timestamp', 'min_value'])},
  ${pick(replaces('max', '>'), ['max_step', 'max_timestamp', 'max_value'])},
  ${pick(nanReplaces, ['nan_step', 'nan_timestamp'])}`;

/** The write that merges the summaries of newly stored points into the stored ones (undefined for none). */
export function metricBlocksWrite(runId: string, summaries: readonly BlockSummary[]): RunRowsWrite | undefined {
  if (summaries.length === 0) return undefined;
  const column = (name: string, type: string, value: (s: BlockSummary) => number | null) => ({
    name,
    type,
    values: summaries.map(value),
  });
  return {
    table: 'metric_blocks',
    runId,
    columns: [
      { name: 'key', type: 'text', values: summaries.map((s) => s.key) },
      column('shift', 'integer', (s) => s.shift),
      column('block', 'bigint', (s) => s.block),
      column('count', 'bigint', (s) => s.count),
      column('min_step', 'bigint', (s) => s.min?.step ?? null),
      column('min_timestamp', 'bigint', (s) => s.min?.timestamp ?? null),
      column('min_value', 'double precision', (s) => s.min?.value ?? null),
      column('max_step', 'bigint', (s) => s.max?.step ?? null),
      column('max_timestamp', 'bigint', (s) => s.max?.timestamp ?? null),
      column('max_value', 'double precision', (s) => s.max?.value ?? null),
      column('nan_step', 'bigint', (s) => s.nan?.step ?? null),
      column('nan_timestamp', 'bigint', (s) => s.nan?.timestamp ?? null),
    ],
    conflict: MERGE,
  };
}

/**
 * The summaries of one metric at one level, in block order, from block `from` to block `to` inclusive. A chart reads
 * thousands of these rows, and handing each cell over as a JavaScript value costs far more than finding the rows, so
 * the database hands them over as one array of numbers (a summary's NaN point is kept by its step alone, so no
 * column holds NaN).
 */
export async function metricBlocks(
  db: Executor,
  runId: string,
  key: string,
  shift: number,
  from: number,
  to: number,
): Promise<BlockSummary[]> {
  const rows = db
    .selectFrom('metric_blocks')
    .select(SUMMARY_COLUMNS)
    .where('run_id', '=', runId)
    .where('key', '=', key)
    .where('shift', '=', shift)
    .where('block', '>=', from)
    .where('block', '<=', to)
    .orderBy('block');
  const n = await dialectOf(db).numberRowsOf(db, rows, SUMMARY_COLUMNS);
  const width = SUMMARY_COLUMNS.length;
  const summaries = new Array<BlockSummary>(n.length / width);
  for (let i = 0, at = 0; i < summaries.length; i++, at += width) {
    // In SUMMARY_COLUMNS order; NULL arrives as NaN.
    const summary: BlockSummary = { key, shift, block: n[at]!, count: n[at + 1]! };
    if (!Number.isNaN(n[at + 4]!)) summary.min = { step: n[at + 2]!, timestamp: n[at + 3]!, value: n[at + 4]! };
    if (!Number.isNaN(n[at + 7]!)) summary.max = { step: n[at + 5]!, timestamp: n[at + 6]!, value: n[at + 7]! };
    if (!Number.isNaN(n[at + 8]!)) summary.nan = { step: n[at + 8]!, timestamp: n[at + 9]!, value: Number.NaN };
    summaries[i] = summary;
  }
  return summaries;
}

const SUMMARY_COLUMNS = [
  'block',
  'count',
  'min_step',
  'min_timestamp',
  'min_value',
  'max_step',
  'max_timestamp',
  'max_value',
  'nan_step',
  'nan_timestamp',
] as const;

/** Every stored summary of one metric, at every level, in (level, block) order. */
export async function allMetricBlocks(db: Executor, runId: string, key: string): Promise<BlockSummary[]> {
  const rows = await db
    .selectFrom('metric_blocks')
    .selectAll()
    .where('run_id', '=', runId)
    .where('key', '=', key)
    .orderBy('shift')
    .orderBy('block')
    .execute();
  return rows.map(toSummary);
}

/** How many points a metric has, from its coarsest summaries (a handful of rows however long the history). */
export async function metricPointCount(db: Executor, runId: string, key: string, shift: number): Promise<number> {
  const row = await db
    .selectFrom('metric_blocks')
    .select((eb) => eb.fn.sum<number | string | null>('count').as('points'))
    .where('run_id', '=', runId)
    .where('key', '=', key)
    .where('shift', '=', shift)
    .executeTakeFirst();
  return Number(row?.points ?? 0);
}

function toSummary(row: MetricBlocksTable): BlockSummary {
  const point = (step: number | null, timestamp: number | null, value: number | null): SummaryPoint | undefined =>
    step === null || timestamp === null || value === null ? undefined : { step, timestamp, value };
  const summary: BlockSummary = { key: row.key, shift: row.shift, block: row.block, count: Number(row.count) };
  const min = point(row.min_step, row.min_timestamp, row.min_value);
  const max = point(row.max_step, row.max_timestamp, row.max_value);
  const nan = point(row.nan_step, row.nan_timestamp, Number.NaN);
  if (min) summary.min = min;
  if (max) summary.max = max;
  if (nan) summary.nan = nan;
  return summary;
}
