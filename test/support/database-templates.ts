import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openStore } from '../../src/store/open-store.js';

/**
 * Databases already brought to the latest schema, built once per test run. A test server over a copy of one starts
 * without running every migration again: on PostgreSQL that is most of the cost of a fresh database.
 */
export interface DatabaseTemplates {
  /** Path of a migrated SQLite file that tests copy. */
  sqlite: string;
  /** Name of a migrated PostgreSQL database that tests clone with `create database … template`. */
  postgres?: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    databaseTemplates: DatabaseTemplates;
  }
}

export async function buildDatabaseTemplates(postgresAdminUrl: string | undefined): Promise<{
  templates: DatabaseTemplates;
  dispose(): Promise<void>;
}> {
  const dir = await mkdtemp(join(tmpdir(), 'mnemo-test-template-'));
  const sqlite = join(dir, 'mnemo.db');
  await (await openStore(`sqlite:///${sqlite}`)).close();
  let postgres: string | undefined;
  if (postgresAdminUrl) {
    postgres = `mnemo_template_${randomBytes(6).toString('hex')}`;
    await adminQuery(postgresAdminUrl, `create database ${postgres}`);
    const url = new URL(postgresAdminUrl);
    url.pathname = `/${postgres}`;
    await (await openStore(url.toString())).close();
  }
  return {
    templates: { sqlite, postgres },
    async dispose() {
      if (postgresAdminUrl && postgres)
        await adminQuery(postgresAdminUrl, `drop database if exists ${postgres} with (force)`);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export async function adminQuery(adminUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
