import SqliteDatabase from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { cachingStatements } from './sqlite-statement-cache.js';

describe('cachingStatements', () => {
  const connection = new SqliteDatabase(':memory:');
  afterEach(() => connection.exec('drop table if exists t'));

  it('returns the same prepared statement for the same text, working with new parameters each time', () => {
    const cached = cachingStatements(connection);
    cached.prepare('create table t (a integer)').run([]);
    const insert = cached.prepare('insert into t (a) values (?)');
    expect(cached.prepare('insert into t (a) values (?)')).toBe(insert);
    for (const a of [1, 2, 3]) cached.prepare('insert into t (a) values (?)').run([a]);
    const select = cached.prepare('select a from t where a >= ? order by a');
    expect(select.all([2])).toEqual([{ a: 2 }, { a: 3 }]);
    expect(cached.prepare('select a from t where a >= ? order by a').all([3])).toEqual([{ a: 3 }]);
  });

  it('drops the least recently used statement beyond its capacity', () => {
    const cached = cachingStatements(connection, 2);
    const one = cached.prepare('select 1');
    const two = cached.prepare('select 2');
    expect(cached.prepare('select 1')).toBe(one); // now "select 2" is the least recently used
    cached.prepare('select 3');
    expect(cached.prepare('select 1')).toBe(one);
    expect(cached.prepare('select 2')).not.toBe(two);
  });
});
