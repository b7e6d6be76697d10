import { existsSync } from 'node:fs';
import { sql } from 'kysely';
import { parseBackendUri } from '../domain/config/backend-uri.js';
import { openPostgres } from './dialect/postgres.js';
import { openSqlite } from './dialect/sqlite.js';
import { MIGRATION_NAMES } from './migrations/index.js';
import type { Store } from './store.js';

/** The store named on the command line cannot be used as it is: the message says why and what to do. */
export class StoreUnavailableError extends Error {
  override name = 'StoreUnavailableError';
}

/**
 * Opens a store that must already exist and hold Mnemo's current schema, for commands that inspect or repair data
 * rather than serve it. Unlike `openStore` it never creates a database, never migrates one, and with `readOnly` the
 * connection itself refuses writes: a typo in `--backend-store-uri` must fail, not verify an empty new database.
 */
export async function openExistingStore(backendUri: string, options: { readOnly: boolean }): Promise<Store> {
  const location = parseBackendUri(backendUri);
  let store: Store;
  if (location.kind === 'sqlite') {
    if (location.path === ':memory:') throw new StoreUnavailableError('an in-memory database holds no data to read');
    if (!existsSync(location.path)) {
      throw new StoreUnavailableError(
        `no database at '${location.path}': give the file the server uses with --backend-store-uri ` +
          '(or MNEMO_BACKEND_STORE_URI)',
      );
    }
    try {
      store = openSqlite(location.path, options);
    } catch (error) {
      throw new StoreUnavailableError(describeUnreadable(error, backendUri));
    }
  } else {
    store = openPostgres(location.connectionString, options);
  }
  try {
    await requireCurrentSchema(store, backendUri);
  } catch (error) {
    await store.close();
    throw error;
  }
  return store;
}

async function requireCurrentSchema(store: Store, backendUri: string): Promise<void> {
  let applied: string[];
  try {
    const rows = await sql<{ name: string }>`select name from kysely_migration`.execute(store.db);
    applied = rows.rows.map((row) => row.name);
  } catch (error) {
    throw new StoreUnavailableError(describeUnreadable(error, backendUri));
  }
  if (applied.length === 0) throw new StoreUnavailableError(`'${redact(backendUri)}' holds no Mnemo data`);
  const unknown = applied.filter((name) => !MIGRATION_NAMES.includes(name));
  if (unknown.length > 0) {
    throw new StoreUnavailableError(
      `'${redact(backendUri)}' was written by a newer Mnemo (schema ${unknown.join(', ')}): use that version`,
    );
  }
  const missing = MIGRATION_NAMES.filter((name) => !applied.includes(name));
  if (missing.length > 0) {
    throw new StoreUnavailableError(
      `'${redact(backendUri)}' has an older schema (missing ${missing.join(', ')}): run \`mnemo db upgrade\` first`,
    );
  }
}

function describeUnreadable(error: unknown, backendUri: string): string {
  const code = (error as { code?: unknown }).code;
  const where = `'${redact(backendUri)}'`;
  if (code === '3D000') return `no database ${where}: check --backend-store-uri (or MNEMO_BACKEND_STORE_URI)`;
  if (code === 'ECONNREFUSED') return `cannot reach the database server of ${where}: is PostgreSQL running?`;
  if (code === 'SQLITE_NOTADB') return `${where} is not a SQLite database`;
  const message = error instanceof Error ? error.message : String(error);
  if (/no such table|does not exist/.test(message)) return `${where} holds no Mnemo schema`;
  return `cannot read ${where}: ${message}`;
}

/** Connection strings may carry a password; messages show everything but it. */
function redact(uri: string): string {
  return uri.replace(/(\/\/[^:/@]+:)[^@]*@/, '$1***@');
}
