import { PostgresAdapter } from 'kysely';
import type { Executor } from '../store.js';
import { postgresSql } from './postgres-sql.js';
import type { SqlDialect } from './sql-dialect.js';
import { sqliteSql } from './sqlite-sql.js';

/**
 * The SQL dialect of an executor (the database or a transaction on it): what is written differently per database.
 * The choice follows the Kysely adapter the database was opened with, which transactions share, so this works
 * inside `write()` too and no caller needs to know which database it talks to.
 */
export function dialectOf(db: Executor): SqlDialect {
  return db.getExecutor().adapter instanceof PostgresAdapter ? postgresSql : sqliteSql;
}
