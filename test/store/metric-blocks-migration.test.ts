import { Migrator } from 'kysely';
import { describe, expect, it } from 'vitest';
import { parseBackendUri } from '../../src/domain/config/backend-uri.js';
import { type BlockSummary, type SummaryPoint, summarize } from '../../src/domain/metrics/metric-blocks.js';
import type { Metric } from '../../src/domain/tracking/entities.js';
import { openPostgres } from '../../src/store/dialect/postgres.js';
import { openSqlite } from '../../src/store/dialect/sqlite.js';
import { migrationProvider } from '../../src/store/migrations/index.js';
import { openStore } from '../../src/store/open-store.js';
import { allMetricBlocks } from '../../src/store/repositories/metric-block-repository.js';
import { backends } from '../support/backends.js';

const RUN = 'd'.repeat(32);

/**
 * Histories as a release before 0009 stored them: points out of step order, repeated steps at other times, ties in
 * value, infinities, NaN inside blocks and a block of nothing but NaN, across several blocks of every level.
 */
function histories(): Metric[] {
  const points: Metric[] = [];
  let seed = 7;
  const next = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed / 2_147_483_648;
  };
  for (let i = 0; i < 9_000; i++) {
    const step = (i * 7_919) % 9_000;
    const roll = next();
    const value =
      roll < 0.02 ? Number.NaN : roll < 0.03 ? Number.POSITIVE_INFINITY : roll < 0.04 ? -1 : Math.round(roll * 50);
    points.push({ key: 'loss', step, timestamp: 1_000 + i, value });
    if (i % 500 === 0) points.push({ key: 'loss', step, timestamp: 50 + i, value: Math.round(next() * 50) });
  }
  for (let step = 0; step < 40; step++) {
    points.push({ key: 'acc', step, timestamp: step, value: step >= 32 ? Number.NaN : step % 3 });
  }
  // Extremes logged twice at one step: the earlier time is the one kept.
  points.push(
    { key: 'acc', step: 5, timestamp: 8, value: 100 },
    { key: 'acc', step: 5, timestamp: 3, value: 100 },
    { key: 'acc', step: 6, timestamp: 9, value: -100 },
    { key: 'acc', step: 6, timestamp: 7, value: -100 },
    { key: 'acc', step: 32, timestamp: 30, value: Number.NaN },
  );
  return points;
}

// A summary's points as stored: step, time and value (summarize keeps the whole metric it was given).
const pointOf = (name: string, p: SummaryPoint | undefined) =>
  p ? { [name]: { step: p.step, timestamp: p.timestamp, value: p.value } } : {};

const byLevelAndBlock = (a: BlockSummary, b: BlockSummary) => a.shift - b.shift || a.block - b.block;

describe.each(backends)('summarising stored metrics (migration 0009) on $name', (backend) => {
  it('gives every existing history the block summaries ingest would have written', async () => {
    const created = await backend.create();
    try {
      const location = parseBackendUri(created.uri);
      const old = location.kind === 'sqlite' ? openSqlite(location.path) : openPostgres(location.connectionString);
      const migrator = new Migrator({ db: old.db, provider: migrationProvider(old.dialect) });
      expect((await migrator.migrateTo('0008-audit-entity-history')).error).toBeUndefined();
      await old.db
        .insertInto('experiments')
        .values({
          experiment_id: '7',
          name: 'before-blocks',
          artifact_location: 'mlflow-artifacts:/7',
          lifecycle_stage: 'active',
          creation_time: 1,
          last_update_time: 1,
        })
        .execute();
      await old.db
        .insertInto('runs')
        .values({
          run_id: RUN,
          experiment_id: '7',
          run_name: 'r',
          user_id: 'u',
          status: 'FINISHED',
          start_time: 1,
          end_time: null,
          lifecycle_stage: 'active',
          artifact_uri: `mlflow-artifacts:/7/${RUN}/artifacts`,
          parent_run_id: null,
          deleted_time: null,
        })
        .execute();
      const points = histories();
      for (let start = 0; start < points.length; start += 500) {
        const rows = points.slice(start, start + 500).map((p) => ({
          run_id: RUN,
          key: p.key,
          step: p.step,
          timestamp: p.timestamp,
          value: Number.isNaN(p.value) ? 0 : p.value,
          is_nan: Number.isNaN(p.value) ? 1 : 0,
          batch: null,
        }));
        await old.db.insertInto('metrics').values(rows).execute();
      }
      await old.close();

      const store = await openStore(created.uri);
      try {
        for (const key of ['loss', 'acc']) {
          const expected = summarize(points.filter((p) => p.key === key))
            .sort(byLevelAndBlock)
            .map(({ min, max, nan, ...rest }) => ({
              ...rest,
              ...pointOf('min', min),
              ...pointOf('max', max),
              ...pointOf('nan', nan),
            }));
          expect(expected.length).toBeGreaterThan(3);
          expect(await allMetricBlocks(store.db, RUN, key)).toEqual(expected);
        }
        const acc = await allMetricBlocks(store.db, RUN, 'acc');
        expect(acc.find((b) => b.shift === 5 && b.block === 0)).toMatchObject({
          count: 36,
          min: { step: 6, timestamp: 7, value: -100 },
          max: { step: 5, timestamp: 3, value: 100 },
        });
        expect(acc.find((b) => b.shift === 5 && b.block === 1)).toEqual({
          key: 'acc',
          shift: 5,
          block: 1,
          count: 9,
          nan: { step: 32, timestamp: 30, value: Number.NaN },
        });
      } finally {
        await store.close();
      }
    } finally {
      await created.drop();
    }
  });
});
