import type BetterSqlite3 from 'better-sqlite3';
import type { SqliteDatabase, SqliteStatement } from 'kysely';

/**
 * Lets a ROLLBACK succeed when SQLite has already rolled the transaction back by itself. SQLite does that on some
 * errors (SQLITE_FULL when the disk is full, SQLITE_IOERR, SQLITE_NOMEM); Kysely then issues its own ROLLBACK, which
 * fails with "no transaction is active" and would be thrown in place of the error that explains what happened.
 * Nothing is left to undo in that case, so the rollback is done.
 */
export function toleratingAutomaticRollback(database: BetterSqlite3.Database): SqliteDatabase {
  return {
    close: () => database.close(),
    prepare(sql: string): SqliteStatement {
      const statement = database.prepare(sql);
      if (!/^\s*rollback\b/i.test(sql)) return statement;
      return {
        reader: false,
        all: (parameters) => statement.all(parameters),
        iterate: (parameters) => statement.iterate(parameters),
        run: (parameters) => (database.inTransaction ? statement.run(parameters) : { changes: 0, lastInsertRowid: 0 }),
      };
    },
  };
}
