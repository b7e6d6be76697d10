import { type CompiledQuery, Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseOrderBy, parseRunFilter } from '../../src/domain/search/filter-parser.js';
import { postgresSql } from '../../src/store/dialect/postgres-sql.js';
import type { Database } from '../../src/store/schema.js';
import { searchRunRows } from '../../src/store/search/run-search-query.js';
import { backends } from '../support/backends.js';

const RUNS = 20_000;

/**
 * On PostgreSQL the planner chooses from statistics; these pin the plans that keep "best runs by a metric" fast on
 * a large experiment: the sort index walked in order until the page is full, never a sort of every matching run,
 * and never a parallel walk whose workers run ahead of the page.
 */
describe.skipIf(!backends.some((b) => b.name === 'postgres'))('run search plans on PostgreSQL', () => {
  let drop: () => Promise<void>;
  let pool: pg.Pool;
  let db: Kysely<Database>;
  const issued: CompiledQuery[] = [];

  beforeAll(async () => {
    const created = await backends.find((b) => b.name === 'postgres')!.createMigrated();
    drop = created.drop;
    pool = new pg.Pool({ connectionString: created.uri, max: 1 });
    db = new Kysely<Database>({
      dialect: new PostgresDialect({ pool }),
      log: (event) => void issued.push(event.query),
    });
    // Runs with 10 metrics and 5 params each, loaded in one statement per table, then analyzed as autovacuum would.
    await pool.query(`insert into experiments (experiment_id, name, artifact_location, lifecycle_stage, creation_time,
        last_update_time) values ('1', 'plans', 'mlflow-artifacts:/1', 'active', 0, 0)`);
    await pool.query(
      `insert into runs (run_id, experiment_id, run_name, user_id, status, start_time, end_time, lifecycle_stage,
        artifact_uri) select 'r' || lpad(i::text, 8, '0'), '1', 'run-' || i, 'u', 'FINISHED', i, i + 1, 'active', 'a'
        from generate_series(1, $1) i`,
      [RUNS],
    );
    await pool.query(`insert into latest_metrics (run_id, key, step, timestamp, value, is_nan)
        select 'r' || lpad(i::text, 8, '0'), 'm' || j, 0, 0, random(), 0
        from generate_series(1, ${RUNS}) i, generate_series(0, 9) j`);
    await pool.query(`insert into run_params (run_id, key, value)
        select 'r' || lpad(i::text, 8, '0'), 'p' || j, 'v' || floor(random() * 10)
        from generate_series(1, ${RUNS}) i, generate_series(0, 4) j`);
    await pool.query('analyze');
  }, 120_000);

  afterAll(async () => {
    await db?.destroy();
    await drop?.();
  });

  /** Runs a search, then explains the statement that read the page with the settings it ran under. */
  async function walkPlan(filter: string, orderBy: string): Promise<{ settings: string[]; plan: string }> {
    issued.length = 0;
    const rows = await searchRunRows(db, {
      experimentIds: ['1'],
      filter: parseRunFilter(filter),
      orderBy: parseOrderBy([orderBy], 'run'),
      viewType: 'ACTIVE_ONLY',
      offset: 0,
      limit: 100,
    });
    expect(rows).toHaveLength(100);
    // The setting may travel in one simple query with the BEGIN before it.
    const settings = issued
      .flatMap((query) => query.sql.split(';').map((statement) => statement.trim()))
      .filter((statement) => statement.startsWith('set '));
    const page = issued.find((query) => query.sql.startsWith('select'))!;
    const client = await pool.connect();
    try {
      await client.query('begin');
      for (const setting of settings) await client.query(setting);
      const { rows: lines } = await client.query(`explain ${page.sql}`, page.parameters as unknown[]);
      await client.query('rollback');
      return { settings, plan: lines.map((line: { 'QUERY PLAN': string }) => line['QUERY PLAN']).join('\n') };
    } finally {
      client.release();
    }
  }

  it('walks the metric index backwards for the best runs and stops at the page', async () => {
    const { settings, plan } = await walkPlan("metrics.m0 > 0.3 and params.p2 != 'v3'", 'metrics.m1 DESC');
    expect(settings).toEqual(['set local max_parallel_workers_per_gather = 0']);
    expect(plan).toMatch(/^Limit/);
    expect(plan).toMatch(/Index Scan Backward using latest_metrics_key_value on latest_metrics s/);
    expect(plan).not.toMatch(/Gather/);
    // Ties on the metric are sorted within their group only: an incremental sort, never a sort of every run.
    expect(plan).not.toMatch(/->\s+Sort\s/);
    // The setting ended with the search's transaction: the pool's one connection is back to the server's default.
    const { rows } = await pool.query<{ max_parallel_workers_per_gather: string }>(
      'show max_parallel_workers_per_gather',
    );
    expect(rows[0]!.max_parallel_workers_per_gather).not.toBe('0');
  });

  it('keeps walking the metric index when a param must equal a value', async () => {
    // The planner must judge an equality on a param as selective as it is (one run in ten here), or it reads every
    // matching run and sorts them all.
    const { plan } = await walkPlan("metrics.m0 > 0.3 and params.p2 = 'v3'", 'metrics.m1 DESC');
    expect(plan).toMatch(/Index Scan Backward using latest_metrics_key_value on latest_metrics s/);
    expect(plan).not.toMatch(/->\s+Sort\s/);
  });

  it('walks a param index in order when sorting by a param', async () => {
    const { plan } = await walkPlan('metrics.m0 > 0.3', 'params.p3 ASC');
    expect(plan).toMatch(/Index Scan using run_params_key_value on run_params s/);
    expect(plan).not.toMatch(/Gather/);
  });

  it('rolls a serial read that fails back, leaving its connection clean for the next request', async () => {
    const failing = postgresSql.withoutParallelWorkers(db, async (serial) => {
      await sql`insert into experiments (experiment_id, name, artifact_location, lifecycle_stage, creation_time,
          last_update_time) values ('2', 'never', 'a', 'active', 0, 0)`.execute(serial);
      await sql`select 1 / 0`.execute(serial);
    });
    await expect(failing).rejects.toThrow(/division by zero/);
    // The pool's one connection: no transaction left open or aborted, the setting gone, the insert undone.
    const { rows } = await pool.query<{ n: number | string; workers: string }>(
      "select count(*) as n, current_setting('max_parallel_workers_per_gather') as workers from experiments where experiment_id = '2'",
    );
    expect(Number(rows[0]!.n)).toBe(0);
    expect(rows[0]!.workers).not.toBe('0');
  });
});
