import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export type BackendName = 'sqlite' | 'postgres';

/** A database made for one measurement and thrown away after it. */
export interface BenchDatabase {
  backend: BackendName;
  /** What the server is given as --backend-store-uri. */
  uri: string;
  /** SQLite file path, when backend is sqlite. */
  sqlitePath?: string;
  /** Connection string, when backend is postgres. */
  postgresUrl?: string;
  drop(): Promise<void>;
}

export const ADMIN_POSTGRES_URL = process.env.MNEMO_BENCH_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';

export async function createDatabase(backend: BackendName): Promise<BenchDatabase> {
  if (backend === 'sqlite') {
    const dir = await mkdtemp(join(tmpdir(), 'mnemo-bench-'));
    const path = join(dir, 'mnemo.db');
    return { backend, uri: path, sqlitePath: path, drop: () => rm(dir, { recursive: true, force: true }) };
  }
  // A unique name so parallel or aborted runs never collide; dropped with FORCE even if a connection lingers.
  const name = `mnemo_bench_${randomBytes(6).toString('hex')}`;
  await adminQuery(`create database ${name}`);
  const url = new URL(ADMIN_POSTGRES_URL);
  url.pathname = `/${name}`;
  return {
    backend,
    uri: url.toString(),
    postgresUrl: url.toString(),
    drop: () => adminQuery(`drop database if exists ${name} with (force)`),
  };
}

async function adminQuery(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: ADMIN_POSTGRES_URL });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

export async function postgresReachable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: ADMIN_POSTGRES_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    return false;
  }
}
