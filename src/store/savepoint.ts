import { sql } from 'kysely';
import type { Executor } from './store.js';

/**
 * Runs `work` inside a savepoint of the open transaction `tx`: when it throws, only what it changed is undone and
 * the transaction goes on as it was before; the error is rethrown. Savepoints do not nest here: one at a time.
 */
export async function inSavepoint<T>(tx: Executor, work: () => Promise<T>): Promise<T> {
  await sql`savepoint grouped_write`.execute(tx);
  try {
    const value = await work();
    await sql`release savepoint grouped_write`.execute(tx);
    return value;
  } catch (error) {
    // Rolling back to a savepoint keeps it; releasing it leaves the transaction as it was before this write.
    await sql`rollback to savepoint grouped_write`.execute(tx);
    await sql`release savepoint grouped_write`.execute(tx);
    throw error;
  }
}
