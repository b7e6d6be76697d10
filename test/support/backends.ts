import { randomBytes } from 'node:crypto';
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import { openStore } from '../../src/store/open-store.js';
import { adminQuery, type DatabaseTemplates } from './database-templates.js';

export interface TestBackend {
  name: 'sqlite' | 'postgres';
  /** Creates a fresh, empty database and returns its URI and how to get rid of it. */
  create(): Promise<CreatedDatabase>;
  /** Creates a fresh database at the latest schema: a copy of the run's template, or migrated here without one. */
  createMigrated(): Promise<CreatedDatabase>;
}

export interface CreatedDatabase {
  uri: string;
  drop(): Promise<void>;
}

function templates(): DatabaseTemplates | undefined {
  return inject('databaseTemplates');
}

async function migratedHere(created: CreatedDatabase): Promise<CreatedDatabase> {
  await (await openStore(created.uri)).close();
  return created;
}

const sqlite: TestBackend = {
  name: 'sqlite',
  async create() {
    const dir = await mkdtemp(join(tmpdir(), 'mnemo-test-db-'));
    return { uri: `sqlite:///${join(dir, 'mnemo.db')}`, drop: () => rm(dir, { recursive: true, force: true }) };
  },
  async createMigrated() {
    const template = templates()?.sqlite;
    if (!template) return migratedHere(await this.create());
    const dir = await mkdtemp(join(tmpdir(), 'mnemo-test-db-'));
    await copyFile(template, join(dir, 'mnemo.db'));
    return { uri: `sqlite:///${join(dir, 'mnemo.db')}`, drop: () => rm(dir, { recursive: true, force: true }) };
  },
};

function postgres(adminUrl: string): TestBackend {
  async function created(template?: string): Promise<CreatedDatabase> {
    const name = `mnemo_test_${randomBytes(6).toString('hex')}`;
    await adminQuery(adminUrl, template ? `create database ${name} template ${template}` : `create database ${name}`);
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    return { uri: url.toString(), drop: () => adminQuery(adminUrl, `drop database if exists ${name} with (force)`) };
  }
  return {
    name: 'postgres',
    create: () => created(),
    async createMigrated() {
      const template = templates()?.postgres;
      return template ? created(template) : migratedHere(await created());
    },
  };
}

/** SQLite always; PostgreSQL too when MNEMO_TEST_POSTGRES_URL names a server (CI sets it). */
export const backends: TestBackend[] = [
  sqlite,
  ...(process.env.MNEMO_TEST_POSTGRES_URL ? [postgres(process.env.MNEMO_TEST_POSTGRES_URL)] : []),
];
