import { type RawBuilder, type SqlBool, sql } from 'kysely';
import type { ReadableSet } from '../../domain/access/readable-set.js';
import type { Comparison, Filter, OrderByClause } from '../../domain/search/filter-ast.js';
import type { ViewType } from '../../domain/tracking/entities.js';
import type { ExperimentsTable } from '../schema.js';
import type { Executor } from '../store.js';
import { compareColumn } from './comparison-sql.js';
import { visibilityCondition } from './visibility-condition.js';

export interface ExperimentSearchQuery {
  filter: Filter;
  orderBy: OrderByClause[];
  viewType: ViewType;
  offset: number;
  limit: number;
  /** The experiments the caller may read; everything when absent. */
  visible?: ReadableSet;
}

const EXPERIMENT_COLUMNS: Record<string, string> = {
  name: 'name',
  creation_time: 'creation_time',
  last_update_time: 'last_update_time',
  experiment_id: 'experiment_id',
};

function experimentColumn(key: string): RawBuilder<unknown> {
  const column = EXPERIMENT_COLUMNS[key];
  if (!column) throw new Error(`unmapped experiment attribute ${key}`);
  return sql.ref(`experiments.${column}`);
}

function condition(comparison: Comparison): RawBuilder<SqlBool> {
  if (comparison.entity === 'tag') {
    if (comparison.op === 'IS NULL') {
      return sql<SqlBool>`not exists (select 1 from experiment_tags t where t.experiment_id = experiments.experiment_id and t.key = ${comparison.key})`;
    }
    return sql<SqlBool>`exists (select 1 from experiment_tags t where t.experiment_id = experiments.experiment_id
      and t.key = ${comparison.key} and ${compareColumn(sql.ref('t.value'), comparison)})`;
  }
  return compareColumn(experimentColumn(comparison.key), comparison);
}

export async function searchExperimentRows(db: Executor, query: ExperimentSearchQuery): Promise<ExperimentsTable[]> {
  let select = db.selectFrom('experiments').selectAll();
  const visible = visibilityCondition('experiments.experiment_id', query.visible);
  if (visible) select = select.where(visible);
  if (query.viewType !== 'ALL') {
    select = select.where('lifecycle_stage', '=', query.viewType === 'ACTIVE_ONLY' ? 'active' : 'deleted');
  }
  for (const comparison of query.filter.comparisons) select = select.where(condition(comparison));
  for (const clause of query.orderBy) {
    select = select.orderBy(experimentColumn(clause.key), clause.ascending ? 'asc' : 'desc');
  }
  return select
    .orderBy('creation_time', 'desc')
    .orderBy('experiment_id')
    .offset(query.offset)
    .limit(query.limit)
    .execute();
}
