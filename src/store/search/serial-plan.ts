import { sql } from 'kysely';
import { dialectOf } from '../dialect/dialect-of.js';
import type { Executor } from '../store.js';

/**
 * Runs `read` with PostgreSQL's parallel query turned off for its statements (SQLite has none).
 *
 * A search that walks a sort index and stops once its page is full is a poor fit for a parallel plan, yet the
 * planner often picks one: each worker walks its share of the index and runs ahead of the merge that needs only the
 * first hundred matches, so three processes do the work of one several times over, on cores other requests need.
 * At 100,000 runs that was about 900 ms where the serial walk takes 20 ms. SET LOCAL ends with the transaction, so
 * the setting never reaches another request's statements on the pooled connection.
 */
export async function withoutParallelWorkers<T>(db: Executor, read: (db: Executor) => Promise<T>): Promise<T> {
  if (dialectOf(db) !== 'postgres') return read(db);
  const serial = async (trx: Executor) => {
    await sql`set local max_parallel_workers_per_gather = 0`.execute(trx);
    return read(trx);
  };
  // Inside a caller's transaction the setting lasts to its end, which only keeps its later reads serial too.
  return db.isTransaction ? serial(db) : db.transaction().execute(serial);
}
