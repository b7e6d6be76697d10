import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Store } from '../../src/store/store.js';
import { backends, type CreatedDatabase } from '../support/backends.js';

// Which texts are named is kept process-wide, and other test files run in this worker first: the store's modules
// are loaded afresh here so that only this file's statements count.
vi.resetModules();
const { isDatabaseUnavailable } = await import('../../src/store/database-unavailable.js');
const { isStalePreparedStatement, namedStatement } = await import('../../src/store/named-statements.js');
const { openStore } = await import('../../src/store/open-store.js');

describe.each(backends)('named statements on $name', (backend) => {
  let created: CreatedDatabase;
  let store: Store;
  beforeAll(async () => {
    created = await backend.createMigrated();
    store = await openStore(created.uri);
    await store.db
      .insertInto('experiments')
      .values({
        experiment_id: '7',
        name: 'named',
        artifact_location: '/tmp/a',
        lifecycle_stage: 'active',
        creation_time: 1,
        last_update_time: 1,
      })
      .execute();
  });
  afterAll(async () => {
    await store?.close();
    await created?.drop();
  });

  const byName = (name: string) =>
    store.db.selectFrom('experiments').select(['experiment_id', 'name']).where('name', '=', name);

  it('answers like the same query run directly, with new parameters each time, built only once', async () => {
    let builds = 0;
    const named = namedStatement(`mnemo_test_by_name_${backend.name}`, (db, name: string) => {
      builds += 1;
      return db.selectFrom('experiments').select(['experiment_id', 'name']).where('name', '=', name);
    });
    for (const wanted of ['named', 'absent', 'named']) {
      expect(await named(store.db, wanted)).toEqual(await byName(wanted).execute());
    }
    expect(await named(store.db, 'named')).toEqual([{ experiment_id: '7', name: 'named' }]);
    expect(builds).toBe(1);
  });

  it('puts each parameter where the query uses it and keeps the values it holds itself', async () => {
    // The query sends its values in another order than the parameters are given, with a constant between them.
    const named = namedStatement(`mnemo_test_order_${backend.name}`, (db, name: string, id: string) =>
      db
        .selectFrom('experiments')
        .select('experiment_id')
        .where('experiment_id', '=', id)
        .where('lifecycle_stage', '=', 'active')
        .where('name', '=', name),
    );
    expect(await named(store.db, 'named', '7')).toEqual([{ experiment_id: '7' }]);
    expect(await named(store.db, '7', 'named')).toEqual([]);
    expect(await named(store.db, 'named', '8')).toEqual([]);
  });

  it('keeps one name given to two queries apart', async () => {
    const name = `mnemo_test_shared_${backend.name}`;
    const first = namedStatement(name, (db, wanted: string) =>
      db.selectFrom('experiments').select(['experiment_id', 'name']).where('name', '=', wanted),
    );
    const second = namedStatement(name, (db, id: string) =>
      db.selectFrom('experiments').select('name').where('experiment_id', '=', id),
    );
    expect(await first(store.db, 'named')).toEqual([{ experiment_id: '7', name: 'named' }]);
    expect(await second(store.db, '7')).toEqual([{ name: 'named' }]);
    expect(await first(store.db, 'named')).toEqual([{ experiment_id: '7', name: 'named' }]);
  });

  it('refuses a statement that does not send each parameter exactly once', async () => {
    const unused = namedStatement(`mnemo_test_unused_${backend.name}`, (db, _name: string) =>
      db.selectFrom('experiments').select('name'),
    );
    await expect(unused(store.db, 'named')).rejects.toThrow(/parameter 0 as exactly one value/);
  });

  it.runIf(backend.name === 'postgres')('is prepared once per connection under its name on PostgreSQL', async () => {
    const name = `mnemo_test_prepared_${backend.name}`;
    // A text of its own: a text keeps the name it was first run under.
    const stageOf = (wanted: string) =>
      store.db.selectFrom('experiments').select('lifecycle_stage').where('name', '=', wanted);
    const named = namedStatement(name, (db, wanted: string) =>
      db.selectFrom('experiments').select('lifecycle_stage').where('name', '=', wanted),
    );
    await store.db.transaction().execute(async (trx) => {
      for (const wanted of ['named', 'absent', 'named']) await named(trx, wanted);
      const prepared = await sql<{ name: string; statement: string }>`
        select name, statement from pg_prepared_statements where name like ${`${name}_%`}`.execute(trx);
      expect(prepared.rows).toHaveLength(1);
      expect(prepared.rows[0]?.statement).toBe(stageOf('x').compile().sql);
      // Queries never given a name are prepared only once they have run a few times (see the next test).
      const all = await sql<{ name: string }>`select name from pg_prepared_statements`.execute(trx);
      for (const row of all.rows) expect(row.name).toMatch(/^(mnemo_test_|frequent_)/);
    });
  });

  it.runIf(backend.name === 'postgres')('names any single statement once its text has run three times', async () => {
    const prepared = async (db: typeof store.db, text: string) =>
      (await sql<{ name: string }>`select name from pg_prepared_statements where statement = ${text}`.execute(db)).rows;
    await store.db.connection().execute(async (connection) => {
      // A text of its own, built as Kysely builds every query: values travel as parameters, so the text repeats.
      const query = (id: string) =>
        connection.selectFrom('experiments').select(['name', 'creation_time']).where('experiment_id', '=', id);
      const text = query('7').compile().sql;
      for (const id of ['7', '8']) await query(id).execute();
      expect(await prepared(connection, text)).toEqual([]);
      expect(await query('7').execute()).toEqual([{ name: 'named', creation_time: 1 }]);
      expect(await prepared(connection, text)).toEqual([{ name: expect.stringMatching(/^frequent_[0-9a-f]{16}$/) }]);
      // Named, it answers with new values as before.
      expect(await query('8').execute()).toEqual([]);
      expect(await query('7').execute()).toEqual([{ name: 'named', creation_time: 1 }]);
    });
  });

  it.runIf(backend.name === 'postgres')(
    'sends a prepared SELECT * unnamed once a column added by another replica made it stale, failing it once as unavailable',
    async () => {
      await sql`create table named_stale (id text primary key, label text)`.execute(store.db);
      await sql`insert into named_stale values ('a', 'first')`.execute(store.db);
      const other = await openStore(created.uri);
      try {
        await store.db.connection().execute(async (connection) => {
          const all = () =>
            sql<Record<string, unknown>>`select * from named_stale where id = ${'a'}`.execute(connection);
          for (let i = 0; i < 3; i++) expect((await all()).rows).toEqual([{ id: 'a', label: 'first' }]);
          // Another replica's migration adds a column: the statement prepared on this connection no longer fits.
          await sql`alter table named_stale add column extra integer default 7`.execute(other.db);
          const stale = await all().then(
            () => undefined,
            (error: unknown) => error,
          );
          expect(isStalePreparedStatement(stale)).toBe(true);
          expect(isDatabaseUnavailable(stale)).toBe(true);
          // Sent unnamed from now on, on this connection and every other.
          expect((await all()).rows).toEqual([{ id: 'a', label: 'first', extra: 7 }]);
          expect((await all()).rows).toEqual([{ id: 'a', label: 'first', extra: 7 }]);
        });
      } finally {
        await sql`drop table named_stale`.execute(other.db);
        await other.close();
      }
    },
  );
});
