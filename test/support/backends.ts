import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export interface TestBackend {
  name: 'sqlite' | 'postgres';
  /** Creates a fresh, empty database and returns its URI and how to get rid of it. */
  create(): Promise<{ uri: string; drop(): Promise<void> }>;
}

const sqlite: TestBackend = {
  name: 'sqlite',
  async create() {
    const dir = await mkdtemp(join(tmpdir(), 'mnemo-test-db-'));
    return { uri: `sqlite:///${join(dir, 'mnemo.db')}`, drop: () => rm(dir, { recursive: true, force: true }) };
  },
};

function postgres(adminUrl: string): TestBackend {
  return {
    name: 'postgres',
    async create() {
      const name = `mnemo_test_${randomBytes(6).toString('hex')}`;
      const admin = new pg.Client({ connectionString: adminUrl });
      await admin.connect();
      await admin.query(`create database ${name}`);
      await admin.end();
      const url = new URL(adminUrl);
      url.pathname = `/${name}`;
      return {
        uri: url.toString(),
        async drop() {
          const client = new pg.Client({ connectionString: adminUrl });
          await client.connect();
          await client.query(`drop database if exists ${name} with (force)`);
          await client.end();
        },
      };
    },
  };
}

/** SQLite always; PostgreSQL too when MNEMO_TEST_POSTGRES_URL names a server (CI sets it). */
export const backends: TestBackend[] = [
  sqlite,
  ...(process.env.MNEMO_TEST_POSTGRES_URL ? [postgres(process.env.MNEMO_TEST_POSTGRES_URL)] : []),
];
