import { sql } from 'kysely';
import type { AccessLogTable } from '../../schema-access.js';
import type { Executor } from '../../store.js';

/** Adds counted reads to their hour's row, creating it if needed: replicas add to the same rows. */
export async function addAccessCounts(db: Executor, rows: readonly AccessLogTable[]): Promise<void> {
  if (rows.length === 0) return;
  await db
    .insertInto('access_log')
    .values([...rows])
    .onConflict((oc) =>
      oc.columns(['principal', 'resource', 'hour']).doUpdateSet({
        requests: sql`access_log.requests + excluded.requests`,
      }),
    )
    .execute();
}

export interface AccessLogQuery {
  principal?: string;
  /** Hours from this time on, epoch ms. */
  from?: number;
  /** Hours before this time, epoch ms. */
  to?: number;
  limit: number;
  offset: number;
}

export async function readAccessLog(db: Executor, query: AccessLogQuery): Promise<AccessLogTable[]> {
  let select = db.selectFrom('access_log').selectAll();
  if (query.principal !== undefined) select = select.where('principal', '=', query.principal);
  if (query.from !== undefined) select = select.where('hour', '>=', query.from - (query.from % 3_600_000));
  if (query.to !== undefined) select = select.where('hour', '<', query.to);
  return select
    .orderBy('hour')
    .orderBy('principal')
    .orderBy('resource')
    .limit(query.limit)
    .offset(query.offset)
    .execute();
}
