import { type Kysely, sql } from 'kysely';
import type { DialectName } from '../store.js';

// The tables this migration reads and writes, as they stood when it was written. It carries its own summarising
// below rather than importing today's, so that later changes to ingest never change what this backfill did.
interface Tables {
  metrics: { run_id: string; key: string; step: number; timestamp: number; value: number; is_nan: number };
  metric_blocks: BlockRow;
}

interface BlockRow {
  run_id: string;
  key: string;
  shift: number;
  block: number;
  count: number;
  min_step: number | null;
  min_timestamp: number | null;
  min_value: number | null;
  max_step: number | null;
  max_timestamp: number | null;
  max_value: number | null;
  nan_step: number | null;
  nan_timestamp: number | null;
}

/**
 * Per-block summaries of every metric (see domain/metrics/metric-blocks.ts), so a downsampled chart of a long
 * history reads summaries instead of every point. Existing histories are summarised here, a metric at a time.
 */
export async function up(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  const table = db.schema
    .createTable('metric_blocks')
    .addColumn('run_id', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('shift', 'integer', (c) => c.notNull())
    .addColumn('block', 'bigint', (c) => c.notNull())
    .addColumn('count', 'bigint', (c) => c.notNull())
    .addColumn('min_step', 'bigint')
    .addColumn('min_timestamp', 'bigint')
    .addColumn('min_value', 'double precision')
    .addColumn('max_step', 'bigint')
    .addColumn('max_timestamp', 'bigint')
    .addColumn('max_value', 'double precision')
    .addColumn('nan_step', 'bigint')
    .addColumn('nan_timestamp', 'bigint')
    .addPrimaryKeyConstraint('metric_blocks_pk', ['run_id', 'key', 'shift', 'block']);
  await (dialect === 'sqlite' ? table.modifyEnd(sql`without rowid`) : table).execute();
  await backfill(db as unknown as Kysely<Tables>);
}

/** The levels summarised: a block at level `shift` covers the steps [block·2^shift, (block+1)·2^shift). */
const BLOCK_SHIFTS = [5, 9, 13];

interface Point {
  step: number;
  timestamp: number;
  value: number;
}

async function backfill(db: Kysely<Tables>): Promise<void> {
  const series = await db.selectFrom('metrics').select(['run_id', 'key']).distinct().execute();
  for (const { run_id: runId, key } of series) {
    const rows = await db
      .selectFrom('metrics')
      .select(['step', 'timestamp', 'value', 'is_nan'])
      .where('run_id', '=', runId)
      .where('key', '=', key)
      .execute();
    const points: Point[] = rows
      .map((r) => ({ step: r.step, timestamp: r.timestamp, value: r.is_nan ? Number.NaN : r.value }))
      .sort((a, b) => a.step - b.step);
    // The table starts empty and each series is summarised whole, so every (run, key, level, block) is new.
    const blocks = summarize(runId, key, points);
    for (let start = 0; start < blocks.length; start += 500) {
      await db
        .insertInto('metric_blocks')
        .values(blocks.slice(start, start + 500))
        .execute();
    }
  }
}

/** One series' summaries at every level, from its points in step order. */
function summarize(runId: string, key: string, points: readonly Point[]): BlockRow[] {
  const out: BlockRow[] = [];
  for (const shift of BLOCK_SHIFTS) {
    const width = 2 ** shift;
    let current: Summary | undefined;
    for (const p of points) {
      const block = Math.floor(p.step / width);
      if (!current || current.block !== block) {
        if (current) out.push(toRow(runId, key, shift, current));
        current = { block, count: 0 };
      }
      addPoint(current, p);
    }
    if (current) out.push(toRow(runId, key, shift, current));
  }
  return out;
}

interface Summary {
  block: number;
  count: number;
  min?: Point;
  max?: Point;
  nan?: Point;
}

/** Ties keep the earlier step (then the earlier timestamp); a NaN point only counts and marks the earliest NaN. */
function addPoint(summary: Summary, point: Point): void {
  summary.count += 1;
  if (Number.isNaN(point.value)) {
    if (!summary.nan || earlier(point, summary.nan)) summary.nan = point;
    return;
  }
  const { min, max } = summary;
  if (!min || point.value < min.value || (point.value === min.value && earlier(point, min))) summary.min = point;
  if (!max || point.value > max.value || (point.value === max.value && earlier(point, max))) summary.max = point;
}

const earlier = (a: Point, b: Point) => (a.step !== b.step ? a.step < b.step : a.timestamp < b.timestamp);

function toRow(runId: string, key: string, shift: number, s: Summary): BlockRow {
  return {
    run_id: runId,
    key,
    shift,
    block: s.block,
    count: s.count,
    min_step: s.min?.step ?? null,
    min_timestamp: s.min?.timestamp ?? null,
    min_value: s.min?.value ?? null,
    max_step: s.max?.step ?? null,
    max_timestamp: s.max?.timestamp ?? null,
    max_value: s.max?.value ?? null,
    nan_step: s.nan?.step ?? null,
    nan_timestamp: s.nan?.timestamp ?? null,
  };
}
