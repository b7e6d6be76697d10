import SqliteDatabase from 'better-sqlite3';

/** How long a starting server waits for another process's migrations before giving up. */
const WAIT_MS = 10 * 60_000;

/**
 * Runs `migrate` while holding a lock no other process migrating the same SQLite file can hold. Kysely takes no lock
 * on SQLite (it assumes one process), so two servers started together on a new file would both create the same
 * tables. The lock is an exclusive transaction on a small file beside the database: SQLite waits for it across
 * processes, and the operating system releases it if the holder dies, so a crashed start never leaves it stuck.
 */
export async function withSqliteMigrationLock<T>(databasePath: string, migrate: () => Promise<T>): Promise<T> {
  if (databasePath === ':memory:') return migrate();
  const lock = new SqliteDatabase(`${databasePath}-migration-lock`);
  try {
    lock.pragma(`busy_timeout = ${WAIT_MS}`);
    lock.exec('begin exclusive');
    try {
      return await migrate();
    } finally {
      lock.exec('rollback');
    }
  } finally {
    lock.close();
  }
}
