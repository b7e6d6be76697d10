import type { MetricsTable } from '../schema.js';
import type { Executor } from '../store.js';

/**
 * Metric points stored a row each, as they were before chunks (see migration 0029). openStore converts them to
 * chunks; until it has, and for rows written behind the log afterwards, the audit verifier reads them here.
 */
export type LegacyPointRow = Pick<MetricsTable, 'step' | 'timestamp' | 'value' | 'is_nan' | 'batch'>;

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

/** Some series that still has point rows, or undefined when none has. */
export async function nextLegacySeries(db: Executor): Promise<{ run_id: string; key: string } | undefined> {
  return db
    .selectFrom('metrics')
    .select(['run_id', 'key'])
    .orderBy('run_id')
    .orderBy('key')
    .limit(1)
    .executeTakeFirst();
}

export async function deleteLegacySeries(db: Executor, runId: string, key: string): Promise<void> {
  await db.deleteFrom('metrics').where('run_id', '=', runId).where('key', '=', key).execute();
}

export async function legacyPointCount(db: Executor): Promise<number> {
  const row = await db
    .selectFrom('metrics')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}
