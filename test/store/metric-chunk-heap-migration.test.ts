import { Migrator, sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { parseBackendUri } from '../../src/domain/config/backend-uri.js';
import { CHUNK_ENCODING_COLUMNS, packPoints } from '../../src/domain/metrics/metric-chunks.js';
import { openPostgres } from '../../src/store/dialect/postgres.js';
import { openSqlite } from '../../src/store/dialect/sqlite.js';
import { migrationProvider } from '../../src/store/migrations/index.js';
import { openStore } from '../../src/store/open-store.js';
import { metricChunks } from '../../src/store/repositories/metric-chunk-repository.js';
import { metricSeries } from '../../src/store/repositories/metric-repository.js';
import type { Store } from '../../src/store/store.js';
import { backends } from '../support/backends.js';
import { insertBareRuns } from '../support/bare-runs.js';

const RUNS = ['a', 'b'].map((letter) => letter.repeat(32));
/** Two keys of 2,500 steps each per run: three chunks a key (1,000, 1,000 and 500 points). */
const STEPS = 2_500;
const pointValue = (run: number, key: string, step: number) => (key === 'loss' ? 1 / (step + 1) : step * 0.5) + run;

function chunkRows(runId: string, run: number, key: string, batch: number) {
  const points = Array.from({ length: STEPS }, (_, step) => ({
    key,
    step,
    timestamp: 1_000 + step,
    value: pointValue(run, key, step),
  }));
  return packPoints(points).map((c) => ({
    run_id: runId,
    key,
    first_step: c.firstStep,
    batch,
    part: c.part,
    last_step: c.lastStep,
    count: c.count,
    encoding: CHUNK_ENCODING_COLUMNS,
    steps: Buffer.from(c.steps),
    timestamps: Buffer.from(c.timestamps),
    vals: Buffer.from(c.values),
  }));
}

/** Two runs with chunked points, stored as the release before 0054 stored them. */
async function seedChunks(store: Store): Promise<void> {
  await insertBareRuns(store, { id: '5', name: 'chunks' }, RUNS);
  for (const [i, runId] of RUNS.entries()) {
    // Keys interleaved by batch, as training loops log them.
    await store.db
      .insertInto('metric_chunks')
      .values([...chunkRows(runId, i, 'loss', 10 + i), ...chunkRows(runId, i, 'lr', 20 + i)])
      .execute();
  }
}

describe.each(backends)('metric chunks appended to a rowid table (migration 0054) on $name', (backend) => {
  it('upgrades a database in place, keeping every point, range reads, retries and the cascade', async () => {
    const created = await backend.create();
    try {
      const location = parseBackendUri(created.uri);
      const old = location.kind === 'sqlite' ? openSqlite(location.path) : openPostgres(location.connectionString);
      const before = await new Migrator({ db: old.db, provider: migrationProvider(old.dialect) }).migrateTo(
        '0053-search-terms',
      );
      expect(before.error).toBeUndefined();
      await seedChunks(old);
      await old.close();

      const store = await openStore(created.uri);
      try {
        if (store.dialect === 'sqlite') {
          const { rows } = await sql<{ sql: string }>`select sql from sqlite_master
            where type = 'table' and name = 'metric_chunks'`.execute(store.db);
          expect(rows[0]?.sql.toLowerCase()).not.toContain('without rowid');
          const { rows: spans } = await sql<{ unique: number }>`select "unique" from pragma_index_list('metric_chunks')
            where name = 'metric_chunk_spans'`.execute(store.db);
          expect(spans[0]?.unique).toBe(1);
          const { rows: pragma } = await sql<{ foreign_keys: number }>`pragma foreign_keys`.execute(store.db);
          expect(pragma[0]?.foreign_keys).toBe(1);
        }

        for (const [i, runId] of RUNS.entries()) {
          for (const key of ['loss', 'lr']) {
            const series = await metricSeries(store.db, runId, key);
            expect(series.count).toBe(STEPS);
            for (const step of [0, 999, 1_000, 2_499]) {
              expect(series.steps[step]).toBe(step);
              expect(series.timestamps[step]).toBe(1_000 + step);
              expect(series.values[step]).toBe(pointValue(i, key, step));
            }
          }
        }
        // A zoomed range still reads the chunks that overlap it only.
        const zoomed = await metricChunks(store.db, RUNS[0]!, 'loss', { startStep: 1_200, endStep: 1_300 });
        expect(zoomed.map((c) => c.first_step)).toEqual([1_000]);

        // The same batch stored again is the same rows: a retry adds nothing, and a plain duplicate is refused.
        const count = async () =>
          Number(
            (
              await store.db
                .selectFrom('metric_chunks')
                .select((eb) => eb.fn.countAll().as('n'))
                .executeTakeFirst()
            )?.n,
          );
        const stored = await count();
        const again = chunkRows(RUNS[0]!, 0, 'loss', 10);
        await store.db
          .insertInto('metric_chunks')
          .values(again)
          .onConflict((c) => c.doNothing())
          .execute();
        expect(await count()).toBe(stored);
        await expect(store.db.insertInto('metric_chunks').values(again.slice(0, 1)).execute()).rejects.toThrow();

        // The chunks still belong to their run: deleting it deletes them.
        await store.db.deleteFrom('runs').where('run_id', '=', RUNS[1]!).execute();
        const left = await store.db.selectFrom('metric_chunks').select('run_id').distinct().execute();
        expect(left.map((r) => r.run_id)).toEqual([RUNS[0]]);
      } finally {
        await store.close();
      }
    } finally {
      await created.drop();
    }
  });
});
