import type { MetricsTable } from '../schema.js';
import type { Executor } from '../store.js';

/**
 * Metric points stored a row each, as they were before chunks (see migration 0029). openStore converts them to
 * chunks; until it has, and for rows written behind the log afterwards, the audit verifier reads them here.
 */
export type LegacyPointRow = Pick<MetricsTable, 'step' | 'timestamp' | 'value' | 'is_nan' | 'batch'>;
export type LegacySeriesRow = LegacyPointRow & Pick<MetricsTable, 'run_id' | 'key'>;

/** One metric's point rows, in primary-key order. */
export async function legacyPointRows(db: Executor, runId: string, key: string): Promise<LegacyPointRow[]> {
  return db
    .selectFrom('metrics')
    .select(['step', 'timestamp', 'value', 'is_nan', 'batch'])
    .where('run_id', '=', runId)
    .where('key', '=', key)
    .orderBy('step')
    .orderBy('timestamp')
    .orderBy('is_nan')
    .orderBy('value')
    .execute();
}

/** The first `limit` point rows in primary-key order (run, key, step, …). */
export async function firstLegacyRows(db: Executor, limit: number): Promise<LegacySeriesRow[]> {
  return db
    .selectFrom('metrics')
    .select(['run_id', 'key', 'step', 'timestamp', 'value', 'is_nan', 'batch'])
    .orderBy('run_id')
    .orderBy('key')
    .orderBy('step')
    .orderBy('timestamp')
    .orderBy('is_nan')
    .orderBy('value')
    .limit(limit)
    .execute();
}

/** Deletes the point rows of every series up to and including (runId, key) in primary-key order. */
export async function deleteLegacySeriesThrough(db: Executor, runId: string, key: string): Promise<void> {
  await db
    .deleteFrom('metrics')
    .where((eb) => eb(eb.refTuple('run_id', 'key'), '<=', eb.tuple(runId, key)))
    .execute();
}

export async function legacyPointCount(db: Executor): Promise<number> {
  const row = await db
    .selectFrom('metrics')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}
