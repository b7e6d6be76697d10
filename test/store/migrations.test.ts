import { type MigrationProvider, Migrator } from 'kysely';
import { describe, expect, it } from 'vitest';
import { parseBackendUri } from '../../src/domain/config/backend-uri.js';
import { openPostgres } from '../../src/store/dialect/postgres.js';
import { openSqlite } from '../../src/store/dialect/sqlite.js';
import { migrationProvider } from '../../src/store/migrations/index.js';
import { openStore } from '../../src/store/open-store.js';
import { backends } from '../support/backends.js';

describe.each(backends)('schema migrations on $name', (backend) => {
  it('applies a migration numbered below one the database already ran', async () => {
    const db = await backend.create();
    try {
      const location = parseBackendUri(db.uri);
      const old = location.kind === 'sqlite' ? openSqlite(location.path) : openPostgres(location.connectionString);
      const all = migrationProvider(old.dialect);
      const withoutSeven: MigrationProvider = {
        async getMigrations() {
          const migrations = { ...(await all.getMigrations()) };
          delete migrations['0007-clustered-run-values'];
          return migrations;
        },
      };
      const partial = await new Migrator({ db: old.db, provider: withoutSeven }).migrateToLatest();
      expect(partial.error).toBeUndefined();
      await old.close();

      const upgraded = await openStore(db.uri);
      const migrations = await new Migrator({ db: upgraded.db, provider: all }).getMigrations();
      expect(migrations.filter((m) => m.executedAt === undefined).map((m) => m.name)).toEqual([]);
      expect(migrations.map((m) => m.name)).toContain('0007-clustered-run-values');
      await upgraded.close();
    } finally {
      await db.drop();
    }
  });

  it('upgrades a database created by the first release in place, keeping its data', async () => {
    const db = await backend.create();
    try {
      const location = parseBackendUri(db.uri);
      const old = location.kind === 'sqlite' ? openSqlite(location.path) : openPostgres(location.connectionString);
      const migrator = new Migrator({ db: old.db, provider: migrationProvider(old.dialect) });
      const first = await migrator.migrateTo('0001-tracking');
      expect(first.error).toBeUndefined();
      await old.db
        .insertInto('experiments')
        .values({
          experiment_id: '7',
          name: 'from-v1',
          artifact_location: 'mlflow-artifacts:/7',
          lifecycle_stage: 'active',
          creation_time: 1,
          last_update_time: 1,
        })
        .execute();
      await old.close();

      const upgraded = await openStore(db.uri);
      const pending = await new Migrator({
        db: upgraded.db,
        provider: migrationProvider(upgraded.dialect),
      }).getMigrations();
      expect(pending.every((m) => m.executedAt !== undefined)).toBe(true);
      const row = await upgraded.db
        .selectFrom('experiments')
        .select('name')
        .where('experiment_id', '=', '7')
        .executeTakeFirst();
      expect(row?.name).toBe('from-v1');
      await upgraded.close();

      // Opening an up-to-date database again is a no-op.
      const again = await openStore(db.uri);
      await again.close();
    } finally {
      await db.drop();
    }
  });
});

describe('backend URIs', () => {
  it.each([
    ['./mnemo-data/mnemo.db', { kind: 'sqlite', path: './mnemo-data/mnemo.db' }],
    ['sqlite:///relative.db', { kind: 'sqlite', path: 'relative.db' }],
    ['sqlite:////abs/path.db', { kind: 'sqlite', path: '/abs/path.db' }],
    ['postgresql://u@h/db', { kind: 'postgres', connectionString: 'postgresql://u@h/db' }],
    ['postgresql+psycopg2://u@h/db', { kind: 'postgres', connectionString: 'postgresql://u@h/db' }],
  ])('reads %s', (uri, expected) => {
    expect(parseBackendUri(uri)).toEqual(expected);
  });

  it.each(['', 'mysql://x', 'sqlite://nopath'])('refuses %j', (uri) => {
    expect(() => parseBackendUri(uri)).toThrow();
  });
});
