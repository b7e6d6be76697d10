import { mkdtemp, rm, stat } from 'node:fs/promises';
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

  it('lets the WAL grow to 10,000 pages before copying them into the database, and no further', async () => {
    expect(await pragma(store, 'wal_autocheckpoint')).toBe(10_000);
    const pageSize = Number(await pragma(store, 'page_size'));
    await sql`create table big (a integer primary key, b blob)`.execute(store.db);
    const walBytes = async () => (await stat(join(dir, 'mnemo.db-wal'))).size;
    // 150 commits of about 100 new pages each: half again as many pages as the limit.
    const sizes: number[] = [];
    for (let i = 0; i < 150; i++) {
      await sql`insert into big (b) values (zeroblob(${100 * pageSize}))`.execute(store.db);
      sizes.push(await walBytes());
    }
    const frame = pageSize + 24;
    // Past the default of 1,000 pages without a checkpoint...
    expect(sizes[40]!).toBeGreaterThan(4_000 * frame);
    // ...and never far past 10,000: after the checkpoint the next commits write the file again from its start, so it
    // stops growing.
    expect(Math.max(...sizes)).toBeLessThan(10_300 * frame);
    expect(sizes.at(-1)).toBe(sizes[110]);
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
