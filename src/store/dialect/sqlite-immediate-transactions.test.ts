import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqlite } from './sqlite.js';

describe('SQLite write transactions', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mnemo-immediate-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('hold the write lock from their start, so another process cannot commit under their reads', async () => {
    const path = join(dir, 'shared.db');
    const store = openSqlite(path);
    const other = new SqliteDatabase(path);
    try {
      other.pragma('busy_timeout = 0');
      other.exec('create table counter (n integer)');
      other.exec('insert into counter values (1)');
      await store.db.transaction().execute(async (tx) => {
        const { rows } = await tx.executeQuery<{ n: number }>({
          sql: 'select n from counter',
          parameters: [],
          query: {} as never,
        });
        expect(rows).toEqual([{ n: 1 }]);
        // With a deferred BEGIN this write would commit, and the transaction's own write after its read would then
        // fail at once with SQLITE_BUSY.
        expect(() => other.exec('update counter set n = 2')).toThrow(/database is locked/);
        await tx.executeQuery({ sql: 'update counter set n = n + 10', parameters: [], query: {} as never });
      });
      expect(other.prepare('select n from counter').get()).toEqual({ n: 11 });
    } finally {
      other.close();
      await store.close();
    }
  });

  it('leave reads outside a transaction free to run beside another writer', async () => {
    const path = join(dir, 'reads.db');
    const store = openSqlite(path);
    const other = new SqliteDatabase(path);
    try {
      other.exec('create table t (a integer)');
      other.exec('begin immediate');
      other.exec('insert into t values (1)');
      const { rows } = await store.db.executeQuery<{ count: number }>({
        sql: 'select count(*) as count from t',
        parameters: [],
        query: {} as never,
      });
      expect(rows).toEqual([{ count: 0 }]);
      other.exec('commit');
    } finally {
      other.close();
      await store.close();
    }
  });
});
