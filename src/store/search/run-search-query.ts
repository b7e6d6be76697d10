import { type RawBuilder, type SqlBool, sql } from 'kysely';
import type { Comparison, Filter, OrderByClause } from '../../domain/search/filter-ast.js';
import type { ViewType } from '../../domain/tracking/entities.js';
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

function condition(comparison: Comparison): RawBuilder<SqlBool> {
  switch (comparison.entity) {
    case 'attribute':
      return compareColumn(runColumn(comparison.key), comparison);
    case 'metric':
      return sql<SqlBool>`exists (select 1 from latest_metrics m where m.run_id = runs.run_id and m.key = ${comparison.key}
        and m.is_nan = 0 and ${compareColumn(sql.ref('m.value'), comparison)})`;
    case 'param':
    case 'tag': {
      const table = sql.table(comparison.entity === 'param' ? 'run_params' : 'run_tags');
      if (comparison.op === 'IS NULL') {
        return sql<SqlBool>`not exists (select 1 from ${table} kv where kv.run_id = runs.run_id and kv.key = ${comparison.key})`;
      }
      return sql<SqlBool>`exists (select 1 from ${table} kv where kv.run_id = runs.run_id and kv.key = ${comparison.key}
        and ${compareColumn(sql.ref('kv.value'), comparison)})`;
    }
    case 'dataset':
      return sql<SqlBool>`exists (select 1 from run_inputs ri join datasets d on d.dataset_id = ri.dataset_id
        where ri.run_id = runs.run_id and ${compareColumn(datasetColumn(comparison.key), comparison)})`;
  }
}

function datasetColumn(key: string): RawBuilder<unknown> {
  if (key === 'name' || key === 'digest') return sql.ref(`d.${key}`);
  if (key === 'context') return sql.ref('ri.context');
  throw new Error(`unmapped dataset attribute ${key}`);
}

/** The value a clause sorts by; missing values sort last in either direction, as in MLflow. */
function sortExpression(clause: OrderByClause): RawBuilder<unknown> {
  switch (clause.entity) {
    case 'metric':
      return sql`(select m.value from latest_metrics m where m.run_id = runs.run_id and m.key = ${clause.key} and m.is_nan = 0)`;
    case 'param':
      return sql`(select p.value from run_params p where p.run_id = runs.run_id and p.key = ${clause.key})`;
    case 'tag':
      return sql`(select t.value from run_tags t where t.run_id = runs.run_id and t.key = ${clause.key})`;
    default:
      return runColumn(clause.key);
  }
}

export async function searchRunRows(db: Executor, query: RunSearchQuery): Promise<RunsTable[]> {
  if (query.experimentIds.length === 0) return [];
  let select = db.selectFrom('runs').selectAll('runs').where('runs.experiment_id', 'in', query.experimentIds);
  if (query.viewType !== 'ALL') {
    select = select.where('runs.lifecycle_stage', '=', query.viewType === 'ACTIVE_ONLY' ? 'active' : 'deleted');
  }
  for (const comparison of query.filter.comparisons) select = select.where(condition(comparison));
  for (const clause of query.orderBy) {
    const expression = sortExpression(clause);
    select = select
      .orderBy(sql`case when ${expression} is null then 1 else 0 end`)
      .orderBy(expression, clause.ascending ? 'asc' : 'desc');
  }
  return select
    .orderBy('runs.start_time', 'desc')
    .orderBy('runs.run_id')
    .offset(query.offset)
    .limit(query.limit)
    .execute();
}
