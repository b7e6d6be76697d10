import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseOrderBy, parseRunFilter } from '../../src/domain/search/filter-parser.js';
import { searchRunRows } from '../../src/store/search/run-search-query.js';
import { openPlannedSqlite, type PlannedSqlite } from '../support/sqlite-plans.js';

/**
 * SQLite has no statistics on a Mnemo database, so nothing but the SQL steers its planner. These are the plans that
 * keep search fast on 100,000 runs: the driving index is walked once and every other lookup of a run's metric, param
 * or tag is one primary-key descent, never a scan of a (key, value) index range per candidate run.
 */
describe('run search plans on SQLite', () => {
  let sqlite: PlannedSqlite;

  beforeAll(async () => {
    sqlite = await openPlannedSqlite('mnemo-plans-');
    // Experiment 0 is large enough to be read by walking a sort index; experiment 1 holds a few runs in a database
    // where every run of experiment 0 has the sort key.
    sqlite.connection.exec(`
      insert or ignore into experiments values ('0', 'Default', 'a', 'active', 0, 0);
      insert into experiments values ('1', 'small', 'b', 'active', 0, 0);
      with recursive n (i) as (select 1 union all select i + 1 from n where i < 5000)
      insert into runs (run_id, experiment_id, run_name, user_id, status, start_time, lifecycle_stage, artifact_uri)
        select 'r' || i, case when i <= 10 then '1' else '0' end, 'run', 'u', 'FINISHED', i, 'active', 'a' from n;
      with recursive n (i) as (select 11 union all select i + 1 from n where i < 5000)
      insert into latest_metrics (run_id, key, step, timestamp, value, is_nan) select 'r' || i, 'm1', 0, 0, i, 0 from n;
      with recursive n (i) as (select 5001 union all select i + 1 from n where i < 5010)
      insert into runs (run_id, experiment_id, run_name, user_id, status, start_time, lifecycle_stage, artifact_uri)
        select 'r' || i, '0', 'run', 'u', 'FINISHED', i, 'active', 'a' from n;
    `);
  });

  afterAll(() => sqlite.close());

  async function plansOf(
    filter: string | undefined,
    orderBy: string[] | undefined,
    experimentId = '0',
  ): Promise<string[]> {
    sqlite.clear();
    await searchRunRows(sqlite.db, {
      experimentIds: [experimentId],
      filter: parseRunFilter(filter),
      orderBy: parseOrderBy(orderBy, 'run'),
      viewType: 'ACTIVE_ONLY',
      offset: 0,
      limit: 100,
    });
    return sqlite.issued.map((query) => sqlite.planOf(query).join('\n'));
  }

  /** Every correlated lookup (aliases m, kv, p, t) goes through the primary key. */
  function expectKeyLookups(plan: string): void {
    const lookups = plan.split('\n').filter((line) => /^SEARCH (m|kv|p|t) /.test(line));
    expect(lookups.length).toBeGreaterThan(0);
    for (const line of lookups) expect(line).toMatch(/USING PRIMARY KEY \(run_id=\? AND key=\?\)/);
  }

  it('walks the metric index and looks up each filter by primary key', async () => {
    const plans = await plansOf("metrics.m0 > 0.3 and params.p5 != 'v3' and tags.t1 LIKE 'x%'", ['metrics.m1 DESC']);
    const walk = plans.find((plan) => plan.startsWith('SEARCH s '));
    expect(walk).toMatch(/^SEARCH s USING COVERING INDEX latest_metrics_key_value \(key=\? AND is_nan=\?\)/);
    expectKeyLookups(walk!);
  });

  it('reads the runs of a selective equality from its index and looks up the rest by primary key', async () => {
    const plans = await plansOf("metrics.m0 > 0.3 and params.p5 = 'v3'", ['metrics.m1 DESC']);
    const driven = plans.find((plan) => plan.startsWith('SEARCH f '));
    expect(driven).toMatch(/^SEARCH f USING COVERING INDEX run_params_key_value \(key=\? AND value=\?\)/);
    expectKeyLookups(driven!);
  });

  it('walks a param or tag index when one is the first sort key', async () => {
    for (const [orderBy, index] of [
      ['params.p3 ASC', 'run_params_key_value'],
      ['tags.t2 DESC', 'run_tags_key_value'],
    ] as const) {
      const plans = await plansOf("metrics.m3 < 0.2 and params.p2 LIKE 'v%'", [orderBy, 'metrics.m1 DESC']);
      const walk = plans.find((plan) => plan.startsWith('SEARCH s '));
      expect(walk).toMatch(new RegExp(`^SEARCH s USING COVERING INDEX ${index} \\(key=\\?\\)`));
      expectKeyLookups(walk!);
    }
  });

  it('sorts a small experiment whole rather than walk an index holding every experiment', async () => {
    const plans = await plansOf('metrics.m0 > 0.3', ['metrics.m1 DESC'], '1');
    expect(plans.some((plan) => plan.startsWith('SEARCH s '))).toBe(false);
    const read = plans.find((plan) => plan.startsWith('SEARCH runs USING INDEX runs_experiment_start'));
    expectKeyLookups(read!);
  });

  it('looks up filters and sort values by primary key when runs are read in start order', async () => {
    const plans = await plansOf("metrics.m3 < 0.2 and params.p2 LIKE 'v%'", [
      'attributes.start_time ASC',
      'tags.t2 DESC',
    ]);
    const scan = plans.find((plan) => plan.startsWith('SEARCH runs '));
    expectKeyLookups(scan!);
  });
});
