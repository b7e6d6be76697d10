import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { forgetStatementName, isStalePreparedStatement, statementNameOf } from '../named-statements.js';
import type { Database } from '../schema.js';
import type { Store } from '../store.js';

// BIGINT columns hold epoch milliseconds and steps, well inside Number.MAX_SAFE_INTEGER: read them as numbers.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

export function openPostgres(connectionString: string, options: { readOnly?: boolean } = {}): Store {
  const pool = new pg.Pool({
    connectionString,
    max: 10,
    Client: NamingClient,
    // A connection keeps every statement it prepared (see statementNameOf) for as long as it lives; replacing it
    // after this many uses bounds what a long-running server's sessions hold, at the cost of one reconnect.
    maxUses: 10_000,
    // The server itself then refuses any write a read-only command might attempt.
    ...(options.readOnly ? { options: '-c default_transaction_read_only=on' } : {}),
  });
  // A client that loses its connection (the server restarted, its session was ended) must not take the process down
  // with it: idle ones are reported to the pool, checked-out ones to themselves. The query in flight fails on its own,
  // and the pool drops the broken client when it is released, opening a new one on demand.
  pool.on('error', () => {});
  pool.on('connect', (client) => client.on('error', () => {}));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    dialect: 'postgres',
    close: () => db.destroy(),
  };
}

/**
 * Sends the queries that have a statement name (see statementNameOf) as named statements: the connection then parses
 * and plans each once (the pg client remembers which names it has prepared) where an unnamed statement is planned on
 * every execution.
 */
class NamingClient extends pg.Client {
  // biome-ignore lint/suspicious/noExplicitAny: pg.Client.query has a dozen overloads; this only forwards them.
  override query(config: any, values?: any, callback?: any): any {
    const name = typeof config === 'string' ? statementNameOf(config) : undefined;
    if (name === undefined || typeof values === 'function') return super.query(config, values, callback);
    const result = super.query({ name, text: config, values }, callback);
    if (callback !== undefined) return result;
    return (result as Promise<unknown>).catch((error: unknown) => {
      if (isStalePreparedStatement(error)) forgetStatementName(config);
      throw error;
    });
  }
}
