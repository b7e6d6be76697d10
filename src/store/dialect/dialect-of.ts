import { PostgresAdapter } from 'kysely';
import type { DialectName, Executor } from '../store.js';

/**
 * Which database an executor (the database or a transaction on it) talks to, for the few statements written
 * differently per dialect. Transactions share their database's adapter, so this works inside `write()` too.
 */
export function dialectOf(db: Executor): DialectName {
  return db.getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite';
}
