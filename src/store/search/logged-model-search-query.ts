import { type RawBuilder, type SqlBool, sql } from 'kysely';
import type { Comparison, Filter } from '../../domain/search/filter-ast.js';
import type { DatasetRestriction, LoggedModelOrder } from '../../domain/search/logged-model-order.js';
import type { LoggedModelsTable } from '../schema-logged-models.js';
import type { Executor } from '../store.js';
import { compareColumn } from './comparison-sql.js';

export interface LoggedModelSearchQuery {
  experimentIds: readonly string[];
  filter: Filter;
  /** Metric comparisons and metric orderings look only at points logged for these datasets (all when empty). */
  datasets: readonly DatasetRestriction[];
  orderBy: readonly LoggedModelOrder[];
  offset: number;
  limit: number;
}

const ATTRIBUTE_COLUMNS: Record<string, string> = {
  name: 'name',
  model_id: 'model_id',
  model_type: 'model_type',
  status: 'status',
  source_run_id: 'source_run_id',
  creation_time: 'creation_time',
  last_updated_time: 'last_updated_time',
};

function column(key: string): RawBuilder<unknown> {
  const name = ATTRIBUTE_COLUMNS[key];
  if (!name) throw new Error(`unmapped logged model attribute ${key}`);
  return sql.ref(`lm.${name}`);
}

function inDatasets(datasets: readonly DatasetRestriction[]): RawBuilder<SqlBool> {
  if (datasets.length === 0) return sql<SqlBool>`1 = 1`;
  const each = datasets.map((d) =>
    d.digest === undefined
      ? sql`m.dataset_name = ${d.name}`
      : sql`(m.dataset_name = ${d.name} and m.dataset_digest = ${d.digest})`,
  );
  return sql<SqlBool>`(${sql.join(each, sql` or `)})`;
}

function condition(comparison: Comparison, datasets: readonly DatasetRestriction[]): RawBuilder<SqlBool> {
  switch (comparison.entity) {
    case 'metric':
      return sql<SqlBool>`exists (select 1 from logged_model_metrics m where m.model_id = lm.model_id
        and m.key = ${comparison.key} and m.is_nan = 0 and ${inDatasets(datasets)}
        and ${compareColumn(sql.ref('m.value'), comparison)})`;
    case 'param':
    case 'tag': {
      const table = sql.raw(comparison.entity === 'param' ? 'logged_model_params' : 'logged_model_tags');
      if (comparison.op === 'IS NULL') {
        return sql<SqlBool>`not exists (select 1 from ${table} v where v.model_id = lm.model_id and v.key = ${comparison.key})`;
      }
      return sql<SqlBool>`exists (select 1 from ${table} v where v.model_id = lm.model_id
        and v.key = ${comparison.key} and ${compareColumn(sql.ref('v.value'), comparison)})`;
    }
    default:
      return compareColumn(column(comparison.key), comparison);
  }
}

/** What an ordering sorts by; a model without the metric sorts after every model with it, either way round. */
function orderTerms(order: LoggedModelOrder): RawBuilder<unknown>[] {
  const direction = sql.raw(order.ascending ? 'asc' : 'desc');
  if (order.kind === 'attribute') return [sql`${column(order.column)} ${direction}`];
  const datasets: DatasetRestriction[] =
    order.datasetName === undefined ? [] : [{ name: order.datasetName, digest: order.datasetDigest }];
  const value = sql`(select ${sql.raw(order.ascending ? 'min' : 'max')}(m.value) from logged_model_metrics m
    where m.model_id = lm.model_id and m.key = ${order.key} and m.is_nan = 0 and ${inDatasets(datasets)})`;
  return [sql`case when ${value} is null then 1 else 0 end`, sql`${value} ${direction}`];
}

/** A page of live logged models of the experiments that pass the filter, in the asked order (newest first else). */
export async function searchLoggedModelRows(db: Executor, query: LoggedModelSearchQuery): Promise<LoggedModelsTable[]> {
  if (query.experimentIds.length === 0) return [];
  const conditions = [
    sql<SqlBool>`lm.lifecycle_stage = 'active'`,
    sql<SqlBool>`lm.experiment_id in (${sql.join(query.experimentIds.map((id) => sql`${id}`))})`,
    ...query.filter.comparisons.map((c) => condition(c, query.datasets)),
  ];
  const order = [...query.orderBy.flatMap(orderTerms), sql`lm.creation_time desc`, sql`lm.model_id asc`];
  const { rows } = await sql<LoggedModelsTable>`select lm.* from logged_models lm
    where ${sql.join(conditions, sql` and `)}
    order by ${sql.join(order)}
    limit ${query.limit} offset ${query.offset}`.execute(db);
  return rows;
}
