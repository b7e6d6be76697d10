import { parseBackendUri } from '../../domain/config/backend-uri.js';
import { openPostgresRaw } from './postgres-raw-connection.js';
import type { RawConnection } from './raw-connection.js';
import { openSqliteRaw } from './sqlite-raw-connection.js';

export async function openRawConnection(backendUri: string, options: { readOnly: boolean }): Promise<RawConnection> {
  const location = parseBackendUri(backendUri);
  if (location.kind === 'postgres') return openPostgresRaw(location.connectionString);
  if (location.path === ':memory:') throw new Error('an in-memory database cannot be backed up or restored into');
  return openSqliteRaw(location.path, options);
}
