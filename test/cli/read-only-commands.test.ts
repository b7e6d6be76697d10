import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import SqliteDatabase from 'better-sqlite3';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditVerify } from '../../src/cli/audit-command.js';
import { parseBackendUri } from '../../src/domain/config/backend-uri.js';
import { openPostgres } from '../../src/store/dialect/postgres.js';
import { openSqlite } from '../../src/store/dialect/sqlite.js';
import { backends } from '../support/backends.js';
import { CLI_BUNDLE } from '../support/cli-bundle.js';

const root = join(import.meta.dirname, '../..');
const run = promisify(execFile);
// By path, so the command also starts from a directory with no node_modules of its own.

function withoutStoreUri(): NodeJS.ProcessEnv {
  const { MNEMO_BACKEND_STORE_URI: _ignored, ...env } = process.env;
  return env;
}

/** Runs the real `mnemo` command line; resolves with its exit code and output whatever the code. */
async function mnemo(args: string[], cwd = root): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI_BUNDLE, ...args], {
      cwd,
      env: withoutStoreUri(),
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('read-only commands on a store that is not there', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mnemo-readonly-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('audit verify on a mistyped path fails with exit 2 and creates nothing', async () => {
    const typo = join(dir, 'typo.db');
    const result = await mnemo(['audit', 'verify', '--backend-store-uri', typo]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/no database at '.*typo\.db'.*--backend-store-uri/);
    expect(result.stdout).not.toMatch(/OK/);
    expect(existsSync(typo)).toBe(false);
  });

  it('audit verify with no flag in a directory without data fails and creates no mnemo-data', async () => {
    const empty = await mkdtemp(join(dir, 'cwd-'));
    const result = await mnemo(['audit', 'verify'], empty);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/no database at '\.\/mnemo-data\/mnemo\.db'/);
    expect(readdirSync(empty)).toEqual([]);
  });

  it('refuses a SQLite file that holds no Mnemo schema, and leaves it untouched', async () => {
    const foreign = join(dir, 'foreign.db');
    const connection = new SqliteDatabase(foreign);
    connection.exec('create table notes (body text)');
    connection.close();
    const result = await auditVerify({ backendStoreUri: foreign });
    expect(result).toMatchObject({ code: 2, stderr: /holds no Mnemo schema/ });
    const check = new SqliteDatabase(foreign, { readonly: true });
    expect(check.prepare("select name from sqlite_master where type = 'table' order by name").all()).toEqual([
      { name: 'notes' },
    ]);
    check.close();
  });

  it('refuses a file that is not a database at all', async () => {
    const text = join(dir, 'notes.txt');
    await import('node:fs/promises').then((fs) => fs.writeFile(text, 'not a database, just some words'.repeat(200)));
    expect(await auditVerify({ backendStoreUri: text })).toMatchObject({ code: 2, stderr: /not a SQLite database/ });
  });

  it('reconcile without recording drift is read-only too', async () => {
    const typo = join(dir, 'reconcile-typo.db');
    const result = await mnemo(['reconcile', '--no-record-drift', '--backend-store-uri', typo]);
    expect(result.code).toBe(2);
    expect(existsSync(typo)).toBe(false);
  });

  it.runIf(process.env.MNEMO_TEST_POSTGRES_URL)(
    'audit verify on a PostgreSQL database that does not exist',
    async () => {
      const url = new URL(process.env.MNEMO_TEST_POSTGRES_URL!);
      const name = `mnemo_absent_${Date.now()}`;
      url.pathname = `/${name}`;
      const result = await auditVerify({ backendStoreUri: url.toString() });
      expect(result).toMatchObject({ code: 2, stderr: /no database/ });
      const admin = new pg.Client({ connectionString: process.env.MNEMO_TEST_POSTGRES_URL });
      await admin.connect();
      const found = await admin.query('select 1 from pg_database where datname = $1', [name]);
      await admin.end();
      expect(found.rowCount).toBe(0);
    },
  );
});

describe.each(backends)('read-only commands on an existing $name store', (backend) => {
  let uri: string;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    const created = await backend.createMigrated();
    uri = created.uri;
    drop = created.drop;
  });
  afterAll(() => drop());

  /** Runs SQL on the store without migrating it (openStore would re-apply what a test removed). */
  const raw = async <T>(query: ReturnType<typeof sql<T>>) => {
    const location = parseBackendUri(uri);
    const store = location.kind === 'sqlite' ? openSqlite(location.path) : openPostgres(location.connectionString);
    try {
      return (await query.execute(store.db)).rows;
    } finally {
      await store.close();
    }
  };
  const migrationCount = async () =>
    Number((await raw(sql<{ n: number }>`select count(*) as n from kysely_migration`))[0]!.n);

  it('verifies a current store, then refuses an older schema without upgrading it', async () => {
    expect(await auditVerify({ backendStoreUri: uri })).toMatchObject({ code: 0, stdout: /^OK/ });
    const current = await migrationCount();
    // What a database from before 0015 looks like: the record and (on PostgreSQL) the indexes it made are absent.
    await raw(sql`delete from kysely_migration where name = '0015-name-prefix-indexes'`);
    if (backend.name === 'postgres') {
      await raw(sql`drop index registered_models_name_pattern`);
      await raw(sql`drop index experiments_name_pattern`);
    }
    const result = await auditVerify({ backendStoreUri: uri });
    expect(result).toMatchObject({
      code: 2,
      stderr: /older schema \(missing 0015-name-prefix-indexes\).*mnemo db upgrade/,
    });
    expect(await migrationCount()).toBe(current - 1);
    const upgraded = await mnemo(['db', 'upgrade', '--backend-store-uri', uri]);
    expect(upgraded, upgraded.stderr).toMatchObject({ code: 0, stdout: /up to date/ });
    expect(await migrationCount()).toBe(current);
    expect((await auditVerify({ backendStoreUri: uri })).code).toBe(0);
  });

  it('refuses a schema written by a newer version', async () => {
    await raw(sql`insert into kysely_migration (name, timestamp) values ('9999-from-the-future', '2030-01-01')`);
    try {
      expect(await auditVerify({ backendStoreUri: uri })).toMatchObject({
        code: 2,
        stderr: /newer Mnemo \(schema 9999-from-the-future\)/,
      });
    } finally {
      await raw(sql`delete from kysely_migration where name = '9999-from-the-future'`);
    }
  });
});
