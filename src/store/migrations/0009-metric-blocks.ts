import { type Kysely, sql } from 'kysely';
import { summarize } from '../../domain/metrics/metric-blocks.js';
import type { Metric } from '../../domain/tracking/entities.js';
import { mergeMetricBlocks } from '../repositories/metric-block-repository.js';
import type { DialectName, Executor } from '../store.js';

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
  await backfill(db as unknown as Executor);
}

async function backfill(db: Executor): Promise<void> {
  const series = await db.selectFrom('metrics').select(['run_id', 'key']).distinct().execute();
  for (const { run_id: runId, key } of series) {
    const rows = await db
      .selectFrom('metrics')
      .select(['step', 'timestamp', 'value', 'is_nan'])
      .where('run_id', '=', runId)
      .where('key', '=', key)
      .execute();
    const points: Metric[] = rows.map((r) => ({
      key,
      step: r.step,
      timestamp: r.timestamp,
      value: r.is_nan ? Number.NaN : r.value,
    }));
    await mergeMetricBlocks(db, runId, summarize(points));
  }
}
