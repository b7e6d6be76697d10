import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqlite } from '../../src/store/dialect/sqlite.js';
import type { Store } from '../../src/store/store.js';

const pragma = async (store: Store, name: string) =>
  Object.values((await sql.raw(`pragma ${name}`).execute(store.db)).rows[0] as object)[0];

describe('openSqlite', () => {
  let dir: string;
  let store: Store;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mnemo-sqlite-'));
    store = openSqlite(join(dir, 'mnemo.db'));
  });
  afterAll(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('commits durably through a write-ahead log and keeps rollback journals of savepoints in memory', async () => {
    expect(await pragma(store, 'journal_mode')).toBe('wal');
    expect(await pragma(store, 'synchronous')).toBe(2); // FULL
    expect(await pragma(store, 'temp_store')).toBe(2); // MEMORY
  });

  it('undoes a savepoint whose journal is in memory, keeping the rest of its transaction', async () => {
    await sql`create table t (a integer primary key, b blob)`.execute(store.db);
    await store.db.transaction().execute(async (tx) => {
      await sql`insert into t (a, b) values (1, zeroblob(20000))`.execute(tx);
      await sql`savepoint s`.execute(tx);
      await sql`update t set b = zeroblob(30000) where a = 1`.execute(tx);
      await sql`insert into t (a, b) values (2, zeroblob(20000))`.execute(tx);
      await sql`rollback to s`.execute(tx);
      await sql`release s`.execute(tx);
    });
    const rows = await sql<{ a: number; n: number }>`select a, length(b) as n from t order by a`.execute(store.db);
    expect(rows.rows).toEqual([{ a: 1, n: 20000 }]);
  });
});
