import { sql } from 'kysely';
import type { Executor } from './store.js';

/** Resolves when the database answers a query now (a pooled connection is taken, or a new one made). */
export async function checkDatabaseReachable(db: Executor): Promise<void> {
  await sql`SELECT 1`.execute(db);
}
