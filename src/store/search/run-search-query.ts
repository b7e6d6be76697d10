import { type RawBuilder, type SqlBool, sql } from 'kysely';
import type { Comparison, Filter, OrderByClause } from '../../domain/search/filter-ast.js';
import type { ViewType } from '../../domain/tracking/entities.js';
import { dialectOf } from '../dialect/dialect-of.js';
import type { SqlDialect } from '../dialect/sql-dialect.js';
import type { RunsTable } from '../schema.js';
import type { Executor } from '../store.js';
import { compareColumn } from './comparison-sql.js';

export interface RunSearchQuery {
  experimentIds: string[];
  filter: Filter;
  orderBy: OrderByClause[];
  viewType: ViewType;
  offset: number;
  limit: number;
}

// Attribute names of the filter language mapped to columns; only these reach SQL, never a name from the request.
const RUN_COLUMNS: Record<string, string> = {
  status: 'status',
  run_name: 'run_name',
  user_id: 'user_id',
  artifact_uri: 'artifact_uri',
  run_id: 'run_id',
  lifecycle_stage: 'lifecycle_stage',
  start_time: 'start_time',
  end_time: 'end_time',
};

function runColumn(key: string): RawBuilder<unknown> {
  const column = RUN_COLUMNS[key];
  if (!column) throw new Error(`unmapped run attribute ${key}`);
  return sql.ref(`runs.${column}`);
}

/**
 * One filter term. Subqueries are correlated to `runId`, which is runs.run_id or, when the query walks a metric
 * index, that index's run_id: then the planner can test the filter before it even looks up the run. Each finds its
 * row by (run_id, key), and the dialect's looked-up columns make that the only way SQLite finds it: SQLite may turn
 * a filter's EXISTS into a join (today it does when the query has no OFFSET) and, having no statistics, then prefers
 * a (key, value) index range, which carries run_id too, to the (run_id, key) primary key: it scans that range once
 * per candidate run, 4 ms becoming 800 ms on 100,000 runs. A looked-up column (a unary + there) keeps a column out of
 * index selection without changing its value. PostgreSQL plans these lookups well.
 */
function condition(comparison: Comparison, runId: RawBuilder<unknown>, dialect: SqlDialect): RawBuilder<SqlBool> {
  switch (comparison.entity) {
    case 'attribute':
      if (comparison.key === 'complete') return completeness(comparison, runId);
      return compareColumn(runColumn(comparison.key), comparison);
    case 'metric':
      return sql<SqlBool>`exists (select 1 from latest_metrics m where m.run_id = ${runId} and m.key = ${comparison.key}
        and ${dialect.lookedUp('m.is_nan')} = 0 and ${compareColumn(dialect.lookedUp('m.value'), comparison)})`;
    case 'param':
    case 'tag': {
      const table = sql.table(comparison.entity === 'param' ? 'run_params' : 'run_tags');
      if (comparison.op === 'IS NULL') {
        return sql<SqlBool>`not exists (select 1 from ${table} kv where kv.run_id = ${runId} and kv.key = ${comparison.key})`;
      }
      const value = dialect.lookedUp('kv.value');
      const matches =
        comparison.op === '=' && typeof comparison.value === 'string'
          ? dialect.keyedValueEquals(value, comparison.value)
          : compareColumn(value, comparison);
      return sql<SqlBool>`exists (select 1 from ${table} kv where kv.run_id = ${runId} and kv.key = ${comparison.key}
        and ${matches})`;
    }
    case 'dataset':
      return sql<SqlBool>`exists (select 1 from run_inputs ri join datasets d on d.dataset_id = ri.dataset_id
        where ri.run_id = ${runId} and ${compareColumn(datasetColumn(comparison.key), comparison)})`;
  }
}

/**
 * `attributes.complete`: a run is incomplete when it was judged to lack required metadata; every other run (complete,
 * still going, or with nothing required of it) counts as complete.
 */
function completeness(comparison: Comparison, runId: RawBuilder<unknown>): RawBuilder<SqlBool> {
  const wantIncomplete = 'value' in comparison && (comparison.value === 'false') === (comparison.op === '=');
  const incomplete = sql`exists (select 1 from run_completeness rc where rc.run_id = ${runId} and rc.complete = 0)`;
  return wantIncomplete ? sql<SqlBool>`${incomplete}` : sql<SqlBool>`not ${incomplete}`;
}

function datasetColumn(key: string): RawBuilder<unknown> {
  if (key === 'name' || key === 'digest') return sql.ref(`d.${key}`);
  if (key === 'context') return sql.ref('ri.context');
  throw new Error(`unmapped dataset attribute ${key}`);
}

/** A sort clause on a run's keyed values: a metric, param or tag, each read from a table indexed by (key, value). */
type KeyedClause = OrderByClause & { entity: 'metric' | 'param' | 'tag' };

const KEYED_TABLES = { metric: 'latest_metrics', param: 'run_params', tag: 'run_tags' } as const;

/** The alias of a keyed clause's table in the lookups that read or rule out one run's value by primary key. */
const LOOKUP_ALIASES = { metric: 'm', param: 'p', tag: 't' } as const;

function isKeyed(clause: OrderByClause | undefined): clause is KeyedClause {
  return clause?.entity === 'metric' || clause?.entity === 'param' || clause?.entity === 'tag';
}

/** Rows of a keyed clause's table (as `alias`) that give a run its sort value: the key's row, unless a NaN metric. */
function holdsSortValue(clause: KeyedClause, alias: string, isNan: RawBuilder<unknown>): RawBuilder<SqlBool> {
  const key = sql<SqlBool>`${sql.ref(`${alias}.key`)} = ${clause.key}`;
  return clause.entity === 'metric' ? sql<SqlBool>`${key} and ${isNan} = 0` : key;
}

/** The value a clause sorts by (NULL when the run has none). */
function sortExpression(clause: OrderByClause, dialect: SqlDialect): RawBuilder<unknown> {
  if (!isKeyed(clause)) return runColumn(clause.key);
  const alias = LOOKUP_ALIASES[clause.entity];
  const value = sql`(select ${sql.ref(`${alias}.value`)} from ${sql.table(KEYED_TABLES[clause.entity])} ${sql.raw(alias)}
    where ${sql.ref(`${alias}.run_id`)} = runs.run_id and ${holdsSortValue(clause, alias, dialect.lookedUp(`${alias}.is_nan`))})`;
  return clause.entity === 'metric' ? value : dialect.byteOrder(value);
}

const RUNS_RUN_ID = sql.ref('runs.run_id');

/**
 * The runs of the chosen experiments and lifecycle that pass every filter, in the requested order (missing values
 * last in either direction, as in MLflow), then newest first.
 *
 * Ordering by a metric is the common case on large experiments ("best 100 runs by accuracy"), and sorting every
 * matching run to keep 100 does not scale. So when the first sort key is a metric, param or tag, the runs that have
 * it are read by walking its table's (key, value) index in the requested direction, testing filters as it goes and
 * stopping once the page is full; the runs without it, which sort after all of them, are read only when the page
 * reaches past the last run that has it. A small experiment's runs are sorted whole instead (see walkPays).
 */
export async function searchRunRows(db: Executor, query: RunSearchQuery): Promise<RunsTable[]> {
  if (query.experimentIds.length === 0) return [];
  const dialect = dialectOf(db);
  // Without planner statistics (SQLite) the search weighs the ways in itself.
  const measures = !dialect.plansFromStatistics;
  const selective = measures ? await selectiveEquality(db, dialect, query.filter.comparisons) : undefined;
  if (selective) return drivenByEquality(db, query, selective, dialect);
  const [first, ...rest] = query.orderBy;
  if (isKeyed(first) && (!measures || (await walkPays(db, query, first)))) {
    return dialect.withoutParallelWorkers(db, (serial) => walkingSortIndex(serial, query, first, rest, dialect));
  }
  let select = db.selectFrom('runs').selectAll('runs');
  for (const term of conditions(query, RUNS_RUN_ID, dialect)) select = select.where(term);
  for (const term of sortTerms(query.orderBy, dialect)) select = select.orderBy(term);
  return select.offset(query.offset).limit(query.limit).execute();
}

/** The page read by walking the first sort clause's index, then, if it reaches that far, the runs without a value. */
async function walkingSortIndex(
  db: Executor,
  query: RunSearchQuery,
  first: KeyedClause,
  rest: readonly OrderByClause[],
  dialect: SqlDialect,
): Promise<RunsTable[]> {
  const table = sql.table(KEYED_TABLES[first.entity]);
  let withValue = db
    .selectFrom(sql`${table}`.as('s'))
    // CROSS JOIN makes SQLite keep the sort index as the outer loop; PostgreSQL plans it as any inner join.
    .crossJoin('runs')
    .where(holdsSortValue(first, 's', sql.ref('s.is_nan')))
    .where(sql<SqlBool>`runs.run_id = s.run_id`);
  for (const term of conditions(query, sql.ref('s.run_id'), dialect)) withValue = withValue.where(term);
  const direction = sql.raw(first.ascending ? 'asc' : 'desc');
  const walked = first.entity === 'metric' ? [sql.ref('s.value')] : dialect.keyedValueOrder(sql.ref('s.value'));
  let page = withValue.selectAll('runs');
  for (const term of walked) page = page.orderBy(sql`${term} ${direction}`);
  for (const term of sortTerms(rest, dialect)) page = page.orderBy(term);
  const rows = await page.offset(query.offset).limit(query.limit).execute();
  if (rows.length === query.limit) return rows;

  // The page reaches past the runs that have a value: continue with those that do not. Where they start follows
  // from this page unless it came back empty, which needs a count.
  const withValueCount =
    rows.length > 0
      ? query.offset + rows.length
      : Number((await withValue.select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  const alias = LOOKUP_ALIASES[first.entity];
  let withoutValue = db
    .selectFrom('runs')
    .selectAll('runs')
    .where(
      sql<SqlBool>`not exists (select 1 from ${table} ${sql.raw(alias)} where ${sql.ref(`${alias}.run_id`)} = runs.run_id
        and ${holdsSortValue(first, alias, dialect.lookedUp(`${alias}.is_nan`))})`,
    );
  for (const term of conditions(query, RUNS_RUN_ID, dialect)) withoutValue = withoutValue.where(term);
  for (const term of sortTerms(rest, dialect)) withoutValue = withoutValue.orderBy(term);
  const more = await withoutValue
    .offset(Math.max(0, query.offset - withValueCount))
    .limit(query.limit - rows.length)
    .execute();
  return rows.concat(more);
}

/** From this many runs on, the chosen experiments are always read by walking the sort index on SQLite. */
const MANY_RUNS = 5_000;

/**
 * On SQLite, whether walking the first sort key's index beats reading the chosen experiments' runs and sorting them.
 *
 * The index holds the key's rows of every experiment, so for a small experiment in a large database the walk reads
 * other experiments' rows until the page fills: about (rows read) = page × (key's rows) / (experiment's runs), where
 * sorting reads the experiment's runs once. So the walk is taken when the experiments hold MANY_RUNS runs or more,
 * or when the key has fewer rows than runs² / page. Both counts go through an index and stop at their threshold
 * (5,000 and 20,000 entries at most). PostgreSQL's planner weighs the same from its statistics.
 */
async function walkPays(db: Executor, query: RunSearchQuery, first: KeyedClause): Promise<boolean> {
  const runs = await countUpTo(
    db,
    sql`select 1 from runs where experiment_id in (${sql.join(query.experimentIds)})`,
    MANY_RUNS,
  );
  if (runs >= MANY_RUNS) return true;
  const page = query.offset + query.limit;
  const worthWalking = Math.min(Math.ceil((runs * runs) / page), 4 * MANY_RUNS);
  const keyed = await countUpTo(
    db,
    sql`select 1 from ${sql.table(KEYED_TABLES[first.entity])} where key = ${first.key}`,
    worthWalking,
  );
  return keyed < worthWalking;
}

/** How many rows `rows` yields, counting no further than `limit`. */
async function countUpTo(db: Executor, rows: RawBuilder<unknown>, limit: number): Promise<number> {
  const { rows: counted } = await sql<{
    n: number | string;
  }>`select count(*) as n from (${rows} limit ${limit}) counted`.execute(db);
  return Number(counted[0]?.n ?? 0);
}

/** Below this many matches an equality filter is the cheapest way in: its runs are read and sorted whole. */
const SELECTIVE_ROWS = 5_000;

/**
 * The param or tag equality matching fewest runs, if it matches under SELECTIVE_ROWS (across all experiments, so
 * an upper bound). Counting stops at the threshold, so a broad filter costs no more to rule out than a narrow one.
 *
 * Only SQLite needs this: it keeps no statistics, so nothing else tells it an equality is selective. PostgreSQL's
 * planner weighs the equality's index against the sort walk from its own statistics (and picks the equality when it
 * is selective), while counting there visits a heap page per match: 5,000 matches cost more than the whole search.
 */
async function selectiveEquality(
  db: Executor,
  dialect: SqlDialect,
  comparisons: readonly Comparison[],
): Promise<(Comparison & { value: string }) | undefined> {
  let best: { comparison: Comparison & { value: string }; rows: number } | undefined;
  for (const comparison of comparisons) {
    if ((comparison.entity !== 'param' && comparison.entity !== 'tag') || comparison.op !== '=') continue;
    if (typeof comparison.value !== 'string') continue;
    const table = sql.table(comparison.entity === 'param' ? 'run_params' : 'run_tags');
    const count = await countUpTo(
      db,
      sql`select 1 from ${table} where key = ${comparison.key} and ${dialect.keyedValueEquals(sql.ref('value'), comparison.value)}`,
      SELECTIVE_ROWS,
    );
    if (count < SELECTIVE_ROWS && (!best || count < best.rows)) {
      best = { comparison: comparison as Comparison & { value: string }, rows: count };
    }
  }
  return best?.comparison;
}

/** Reads the few runs a selective equality matches through its (key, value) index, then filters and sorts them. */
function drivenByEquality(
  db: Executor,
  query: RunSearchQuery,
  driver: Comparison & { value: string },
  dialect: SqlDialect,
): Promise<RunsTable[]> {
  const table = sql.table(driver.entity === 'param' ? 'run_params' : 'run_tags');
  let select = db
    .selectFrom(sql`${table}`.as('f'))
    // As above, CROSS JOIN keeps the driving index outermost on SQLite.
    .crossJoin('runs')
    .selectAll('runs')
    .where(sql<SqlBool>`f.key = ${driver.key} and ${dialect.keyedValueEquals(sql.ref('f.value'), driver.value)}`)
    .where(sql<SqlBool>`runs.run_id = f.run_id`);
  // Every run read already passes the driving equality: testing it again would look its row up once more per run.
  const others = { ...query, filter: { comparisons: query.filter.comparisons.filter((c) => c !== driver) } };
  for (const term of conditions(others, sql.ref('f.run_id'), dialect)) select = select.where(term);
  for (const term of sortTerms(query.orderBy, dialect)) select = select.orderBy(term);
  return select.offset(query.offset).limit(query.limit).execute();
}

/** Scope (experiments, lifecycle) and every filter term, with subqueries correlated to `runId`. */
function conditions(query: RunSearchQuery, runId: RawBuilder<unknown>, dialect: SqlDialect): RawBuilder<SqlBool>[] {
  const terms = [sql<SqlBool>`runs.experiment_id in (${sql.join(query.experimentIds)})`];
  if (query.viewType !== 'ALL') {
    terms.push(sql<SqlBool>`runs.lifecycle_stage = ${query.viewType === 'ACTIVE_ONLY' ? 'active' : 'deleted'}`);
  }
  for (const comparison of query.filter.comparisons) terms.push(condition(comparison, runId, dialect));
  return terms;
}

/**
 * Sort clauses, each value computed once (NULLS LAST in both directions, which SQLite and PostgreSQL both
 * understand), then newest first and the run id so pages are stable.
 */
function sortTerms(clauses: readonly OrderByClause[], dialect: SqlDialect): RawBuilder<unknown>[] {
  return [
    ...clauses.map(
      (clause) => sql`${sortExpression(clause, dialect)} ${sql.raw(clause.ascending ? 'asc' : 'desc')} nulls last`,
    ),
    sql`runs.start_time desc`,
    sql`runs.run_id`,
  ];
}
