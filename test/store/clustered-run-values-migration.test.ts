import { Migrator, sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { parseBackendUri } from '../../src/domain/config/backend-uri.js';
import { parseOrderBy, parseRunFilter } from '../../src/domain/search/filter-parser.js';
import { openPostgres } from '../../src/store/dialect/postgres.js';
import { openSqlite } from '../../src/store/dialect/sqlite.js';
import { migrationProvider } from '../../src/store/migrations/index.js';
import { openStore } from '../../src/store/open-store.js';
import { hydrateRuns } from '../../src/store/repositories/run-repository.js';
import { searchRunRows } from '../../src/store/search/run-search-query.js';
import type { Store } from '../../src/store/store.js';
import { backends } from '../support/backends.js';
import { insertBareRuns } from '../support/bare-runs.js';

const RUNS = ['a', 'b', 'c'].map((letter) => letter.repeat(32));

/** Three runs as the release before 0007 stored them: params, tags and latest metrics in their old tables. */
async function seedBeforeClustering(store: Store): Promise<void> {
  const { db } = store;
  await insertBareRuns(store, { id: '7', name: 'before' }, RUNS);
  for (const [i, runId] of RUNS.entries()) {
    await db
      .insertInto('run_params')
      .values([
        { run_id: runId, key: 'optimizer', value: i === 1 ? 'sgd' : 'adam' },
        { run_id: runId, key: 'lr', value: `0.${i}` },
      ])
      .execute();
    await db
      .insertInto('run_tags')
      .values({ run_id: runId, key: 'team', value: `t${i}` })
      .execute();
    await db
      .insertInto('latest_metrics')
      .values([
        { run_id: runId, key: 'acc', step: 3, timestamp: 30, value: 0.5 + i / 10, is_nan: 0 },
        { run_id: runId, key: 'loss', step: 3, timestamp: 30, value: 0, is_nan: i === 2 ? 1 : 0 },
      ])
      .execute();
  }
}

async function indexColumns(store: Store, index: string): Promise<string[]> {
  if (store.dialect === 'sqlite') {
    const { rows } = await sql<{ name: string }>`select name from pragma_index_info(${index}) order by seqno`.execute(
      store.db,
    );
    return rows.map((r) => r.name);
  }
  // Each key column as PostgreSQL prints it: a column's name, or an expression.
  const { rows } = await sql<{ column: string }>`select pg_get_indexdef(c.oid, k.n::int, true) as column
    from pg_class c join pg_index i on i.indexrelid = c.oid
    join lateral generate_series(1, i.indnkeyatts) k(n) on true
    where c.relname = ${index} order by k.n`.execute(store.db);
  return rows.map((r) => r.column);
}

describe.each(backends)('clustering run values (migration 0007) on $name', (backend) => {
  it('upgrades a database in place, keeping every value, the cascade and search', async () => {
    const created = await backend.create();
    try {
      const location = parseBackendUri(created.uri);
      const old = location.kind === 'sqlite' ? openSqlite(location.path) : openPostgres(location.connectionString);
      const before = await new Migrator({ db: old.db, provider: migrationProvider(old.dialect) }).migrateTo(
        '0006-metric-batches',
      );
      expect(before.error).toBeUndefined();
      await seedBeforeClustering(old);
      await old.close();

      const store = await openStore(created.uri);
      try {
        if (store.dialect === 'sqlite') {
          const { rows } = await sql<{ name: string; sql: string }>`select name, sql from sqlite_master
            where type = 'table' and name in ('run_params', 'run_tags', 'latest_metrics') order by name`.execute(
            store.db,
          );
          expect(rows.map((r) => r.name)).toEqual(['latest_metrics', 'run_params', 'run_tags']);
          for (const row of rows) expect(row.sql.toLowerCase()).toContain('without rowid');
          const { rows: pragma } = await sql<{ foreign_keys: number }>`pragma foreign_keys`.execute(store.db);
          expect(pragma[0]?.foreign_keys).toBe(1);
        }
        expect(await indexColumns(store, 'latest_metrics_key_value')).toEqual(['key', 'is_nan', 'value']);
        // On PostgreSQL a later migration (0038) indexes a prefix of each value, which is all one entry can hold.
        expect(await indexColumns(store, 'run_params_key_value')).toEqual(
          store.dialect === 'sqlite' ? ['key', 'value'] : ['key', 'substr(value, 1, 256)'],
        );

        const rows = await searchRunRows(store.db, {
          experimentIds: ['7'],
          filter: parseRunFilter("params.optimizer = 'adam' and metrics.acc > 0.4"),
          orderBy: parseOrderBy(['metrics.loss DESC'], 'run'),
          viewType: 'ACTIVE_ONLY',
          offset: 0,
          limit: 10,
        });
        // Run c logged loss as NaN, which sorts after every number.
        expect(rows.map((r) => r.run_id)).toEqual([RUNS[0], RUNS[2]]);
        const [first, third] = await hydrateRuns(store.db, rows);
        expect(first?.params).toEqual([
          { key: 'lr', value: '0.0' },
          { key: 'optimizer', value: 'adam' },
        ]);
        expect(first?.tags).toEqual([{ key: 'team', value: 't0' }]);
        expect(third?.metrics).toEqual([
          { key: 'acc', step: 3, timestamp: 30, value: 0.5 + 2 / 10 },
          { key: 'loss', step: 3, timestamp: 30, value: Number.NaN },
        ]);

        // The rebuilt tables still belong to their run: deleting it deletes them.
        await store.db.deleteFrom('runs').where('run_id', '=', RUNS[1]!).execute();
        for (const table of ['run_params', 'run_tags', 'latest_metrics'] as const) {
          const left = await store.db.selectFrom(table).select('run_id').distinct().orderBy('run_id').execute();
          expect(left.map((r) => r.run_id)).toEqual([RUNS[0], RUNS[2]]);
        }
      } finally {
        await store.close();
      }
    } finally {
      await created.drop();
    }
  });
});
