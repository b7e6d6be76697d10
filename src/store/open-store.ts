import { Migrator } from 'kysely';
import { parseBackendUri } from '../domain/config/backend-uri.js';
import { openPostgres } from './dialect/postgres.js';
import { openSqlite } from './dialect/sqlite.js';
import { withSqliteMigrationLock } from './dialect/sqlite-migration-lock.js';
import { convertLegacyMetricPoints } from './metric-point-conversion.js';
import { migrationProvider } from './migrations/index.js';
import type { Store } from './store.js';

/** Opens the backend named by a URI and brings its schema up to date (older databases are upgraded in place). */
export async function openStore(backendUri: string): Promise<Store> {
  const location = parseBackendUri(backendUri);
  const store = location.kind === 'sqlite' ? openSqlite(location.path) : openPostgres(location.connectionString);
  try {
    if (location.kind === 'sqlite') await withSqliteMigrationLock(location.path, () => migrate(store));
    else await migrate(store);
  } catch (error) {
    await store.close();
    throw error;
  }
  return store;
}

export async function migrate(store: Store): Promise<void> {
  // Migrations are independent of each other, and ones written side by side can land in either order: a database
  // that already ran a later-numbered one must still take an earlier-numbered one it has not seen.
  const migrator = new Migrator({
    db: store.db,
    provider: migrationProvider(store.dialect),
    allowUnorderedMigrations: true,
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`database migration ${failed} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  // Points stored a row each before chunks: converted in place, resuming any earlier conversion cut short.
  await convertLegacyMetricPoints(store, { progress: (line) => process.stderr.write(`mnemo: ${line}\n`) });
}
