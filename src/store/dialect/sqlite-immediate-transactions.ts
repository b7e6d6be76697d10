import {
  CompiledQuery,
  type DatabaseConnection,
  type Driver,
  SqliteDialect,
  type SqliteDialectConfig,
  SqliteDriver,
} from 'kysely';

/** How long a statement waits for another process's lock on the database file before it fails with SQLITE_BUSY. */
export const BUSY_TIMEOUT_MS = 10_000;
/** Between two tries for the write lock, the event loop serves other requests for this long. */
const RETRY_MS = 1;

/**
 * Starts every transaction as BEGIN IMMEDIATE, which takes the database's write lock first. A plain BEGIN defers the
 * lock to the first write, and when another process on the same file (another server worker, `mnemo gc`) committed
 * after the transaction's first read, that write fails at once with SQLITE_BUSY: SQLite cannot move a transaction's
 * reads to the newer snapshot. Every transaction this store opens is a write transaction (reads run outside one).
 *
 * While another process holds the lock, the wait happens on the event loop, a try every millisecond, rather than in
 * SQLite's busy handler, which sleeps the whole thread (1, 2, then 5 ms and longer): the process keeps parsing and
 * answering requests meanwhile. After BUSY_TIMEOUT_MS it gives up with SQLite's error, as the busy handler would.
 */
class ImmediateTransactionsDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    const deadline = Date.now() + BUSY_TIMEOUT_MS;
    await connection.executeQuery(CompiledQuery.raw('pragma busy_timeout = 0'));
    try {
      for (;;) {
        try {
          await connection.executeQuery(CompiledQuery.raw('begin immediate'));
          return;
        } catch (error) {
          if ((error as { code?: unknown }).code !== 'SQLITE_BUSY' || Date.now() >= deadline) throw error;
        }
        await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
      }
    } finally {
      await connection.executeQuery(CompiledQuery.raw(`pragma busy_timeout = ${BUSY_TIMEOUT_MS}`));
    }
  }
}

export class ImmediateTransactionsDialect extends SqliteDialect {
  constructor(private readonly settings: SqliteDialectConfig) {
    super(settings);
  }

  override createDriver(): Driver {
    return new ImmediateTransactionsDriver(this.settings);
  }
}
