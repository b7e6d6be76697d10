import type { SqliteDatabase, SqliteStatement } from 'kysely';

/** Enough for every distinct statement the services issue; rarer texts (long IN lists) are prepared again. */
const DEFAULT_CAPACITY = 256;

/**
 * Hands Kysely's SQLite driver the same prepared statement each time it asks for the same SQL text. Kysely prepares
 * every query afresh, and compiling a 500-row INSERT costs more than running it; better-sqlite3 statements are
 * reusable with new parameters, and the driver's single-connection mutex means no two queries share one at once.
 * Least recently used statements are dropped past `capacity`.
 */
export function cachingStatements(database: SqliteDatabase, capacity = DEFAULT_CAPACITY): SqliteDatabase {
  const statements = new Map<string, SqliteStatement>();
  return {
    close: () => database.close(),
    prepare(sql: string): SqliteStatement {
      const cached = statements.get(sql);
      if (cached) {
        // Re-inserting moves it to the back of the Map's order, which is the eviction order.
        statements.delete(sql);
        statements.set(sql, cached);
        return cached;
      }
      const statement = database.prepare(sql);
      statements.set(sql, statement);
      if (statements.size > capacity) statements.delete(statements.keys().next().value!);
      return statement;
    },
  };
}
