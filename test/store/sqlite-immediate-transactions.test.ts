import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqlite } from '../../src/store/dialect/sqlite.js';
import type { Store } from '../../src/store/store.js';

describe('SQLite write transactions', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mnemo-immediate-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** The store and a second connection to its file, as another process would hold, each closed afterwards. */
  async function withOtherConnection(
    name: string,
    test: (store: Store, other: SqliteDatabase.Database) => Promise<void>,
  ): Promise<void> {
    const path = join(dir, name);
    const store = openSqlite(path);
    const other = new SqliteDatabase(path);
    try {
      await test(store, other);
    } finally {
      other.close();
      await store.close();
    }
  }

  it('hold the write lock from their start, so another process cannot commit under their reads', () =>
    withOtherConnection('shared.db', async (store, other) => {
      other.pragma('busy_timeout = 0');
      other.exec('create table counter (n integer)');
      other.exec('insert into counter values (1)');
      await store.db.transaction().execute(async (tx) => {
        const { rows } = await sql<{ n: number }>`select n from counter`.execute(tx);
        expect(rows).toEqual([{ n: 1 }]);
        // With a deferred BEGIN this write would commit, and the transaction's own write after its read would then
        // fail at once with SQLITE_BUSY.
        expect(() => other.exec('update counter set n = 2')).toThrow(/database is locked/);
        await sql`update counter set n = n + 10`.execute(tx);
      });
      expect(other.prepare('select n from counter').get()).toEqual({ n: 11 });
    }));

  it('leave reads outside a transaction free to run beside another writer', () =>
    withOtherConnection('reads.db', async (store, other) => {
      other.exec('create table t (a integer)');
      other.exec('begin immediate');
      other.exec('insert into t values (1)');
      const { rows } = await sql<{ count: number }>`select count(*) as count from t`.execute(store.db);
      expect(rows).toEqual([{ count: 0 }]);
      other.exec('commit');
    }));

  it("wait for another process's write lock without holding up the event loop", () =>
    withOtherConnection('waiting.db', async (store, other) => {
      other.exec('create table t (a integer)');
      other.exec('begin immediate');
      other.exec('insert into t values (1)');
      let ticks = 0;
      const ticker = setInterval(() => ticks++, 5);
      const written = store.db.transaction().execute(async (tx) => {
        await sql`insert into t values (2)`.execute(tx);
        return ticks;
      });
      await new Promise((resolve) => setTimeout(resolve, 100));
      other.exec('commit');
      const ticksWhenWriting = await written;
      clearInterval(ticker);
      // The timer kept firing while the transaction waited for the lock: a sleeping busy handler would have stopped it
      // (and, in one thread, never let the other connection commit).
      expect(ticksWhenWriting).toBeGreaterThan(5);
      expect(other.prepare('select a from t order by a').all()).toEqual([{ a: 1 }, { a: 2 }]);
    }));
});
