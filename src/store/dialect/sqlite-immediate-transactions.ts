import type { SqliteDatabase, SqliteStatement } from 'kysely';

/**
 * Starts every transaction as BEGIN IMMEDIATE, which takes the database's write lock at once (waiting for it under
 * busy_timeout). A plain BEGIN defers the lock to the first write, and when another connection to the file committed
 * after the transaction's first read (another server process on the same file, or `mnemo gc`), that write fails at
 * once with SQLITE_BUSY, without waiting: SQLite cannot move a transaction's reads to the newer snapshot. Every
 * transaction this store opens is a write transaction (reads run outside one), so taking the lock first costs nothing.
 */
export function immediateTransactions(database: SqliteDatabase): SqliteDatabase {
  return {
    close: () => database.close(),
    prepare: (sql: string): SqliteStatement =>
      database.prepare(/^\s*begin\s*;?\s*$/i.test(sql) ? 'begin immediate' : sql),
  };
}
