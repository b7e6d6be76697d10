import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { Database } from '../schema.js';
import type { Store } from '../store.js';
import { toleratingAutomaticRollback } from './sqlite-automatic-rollback.js';
import { BUSY_TIMEOUT_MS, ImmediateTransactionsDialect } from './sqlite-immediate-transactions.js';
import { cachingStatements } from './sqlite-statement-cache.js';

/**
 * How many pages the WAL may hold before a commit copies them into the database file. Metric batches rewrite the same
 * pages over and over (the newest chunk, span and chart summary of every series being logged), and a checkpoint
 * copies each page once however often it was written since the last one: at SQLite's default of 1,000 pages a
 * checkpoint came every few commits and copied nearly every page it found, so a 10-metric batch wrote 264 KB; at
 * 10,000 it writes 186 KB, and reads barely notice the longer WAL (40 MB at most, then reused).
 */
const WAL_CHECKPOINT_PAGES = 10_000;

export function openSqlite(path: string, options: { readOnly?: boolean } = {}): Store {
  const readOnly = options.readOnly === true;
  if (!readOnly && path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  // A read-only handle never creates the file and cannot write to it, whatever a query asks.
  const connection = new SqliteDatabase(path, readOnly ? { readonly: true, fileMustExist: true } : {});
  if (readOnly) connection.pragma('query_only = ON');
  else {
    // WAL lets readers run beside the single writer; FULL sync because a point we acknowledged must survive a crash.
    connection.pragma('journal_mode = WAL');
    connection.pragma('synchronous = FULL');
    connection.pragma(`wal_autocheckpoint = ${WAL_CHECKPOINT_PAGES}`);
  }
  // Savepoints and multi-row statements inside a transaction journal every page they touch before changing it, so
  // that part of the transaction can be undone. In a file, that is two write calls per page, hundreds per metric
  // batch; in memory it costs a copy. The journal only ever serves a rollback within the open transaction, so a
  // crash loses nothing by it (the WAL is what makes a commit durable). Temporary sort tables live in memory too.
  connection.pragma('temp_store = MEMORY');
  connection.pragma('foreign_keys = ON');
  connection.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  connection.pragma('cache_size = -65536');
  // MLflow's LIKE is case-sensitive (ILIKE is not); SQLite's LIKE ignores case unless told otherwise.
  connection.pragma('case_sensitive_like = ON');
  const statements = cachingStatements(toleratingAutomaticRollback(connection));
  const db = new Kysely<Database>({
    dialect: readOnly
      ? new SqliteDialect({ database: statements })
      : new ImmediateTransactionsDialect({ database: statements }),
  });
  return {
    db,
    dialect: 'sqlite',
    close: () => db.destroy(),
  };
}
