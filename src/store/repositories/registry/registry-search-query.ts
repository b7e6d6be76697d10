import { type RawBuilder, type SqlBool, sql } from 'kysely';
import type { ReadableSet } from '../../../domain/access/readable-set.js';
import type { Comparison, Filter, OrderByClause } from '../../../domain/search/filter-ast.js';
import type { ModelVersionsTable, RegisteredModelsTable } from '../../schema-registry.js';
import { compareColumn } from '../../search/comparison-sql.js';
import { visibilityCondition } from '../../search/visibility-condition.js';
import type { Executor } from '../../store.js';

export interface RegistrySearchQuery {
  filter: Filter;
  orderBy: OrderByClause[];
  offset: number;
  limit: number;
  /** The registered models the caller may read (by id); everything when absent. */
  visible?: ReadableSet;
}

const MODEL_COLUMNS: Record<string, string> = {
  name: 'registered_models.name',
  creation_time: 'registered_models.creation_time',
  last_updated_time: 'registered_models.last_updated_time',
};

const VERSION_COLUMNS: Record<string, string> = {
  name: 'registered_models.name',
  run_id: 'model_versions.run_id',
  source: 'model_versions.source',
  version: 'model_versions.version',
  stage: 'model_versions.stage',
  creation_time: 'model_versions.creation_time',
  last_updated_time: 'model_versions.last_updated_time',
};

function column(columns: Record<string, string>, key: string): RawBuilder<unknown> {
  const name = columns[key];
  if (!name) throw new Error(`unmapped registry search field ${key}`);
  return sql.ref(name);
}

function modelCondition(comparison: Comparison): RawBuilder<SqlBool> {
  if (comparison.entity === 'tag') {
    return sql<SqlBool>`exists (select 1 from registered_model_tags t where t.model_id = registered_models.model_id
      and t.key = ${comparison.key} and ${compareColumn(sql.ref('t.value'), comparison)})`;
  }
  return compareColumn(column(MODEL_COLUMNS, comparison.key), comparison);
}

function versionCondition(comparison: Comparison): RawBuilder<SqlBool> {
  if (comparison.entity === 'tag') {
    return sql<SqlBool>`exists (select 1 from model_version_tags t where t.model_id = model_versions.model_id
      and t.version = model_versions.version and t.key = ${comparison.key}
      and ${compareColumn(sql.ref('t.value'), comparison)})`;
  }
  return compareColumn(column(VERSION_COLUMNS, comparison.key), comparison);
}

export async function searchModelRows(db: Executor, query: RegistrySearchQuery): Promise<RegisteredModelsTable[]> {
  let select = db.selectFrom('registered_models').selectAll();
  const visible = visibilityCondition('registered_models.model_id', query.visible);
  if (visible) select = select.where(visible);
  for (const comparison of query.filter.comparisons) select = select.where(modelCondition(comparison));
  for (const clause of query.orderBy) {
    select = select.orderBy(column(MODEL_COLUMNS, clause.key), clause.ascending ? 'asc' : 'desc');
  }
  return select.orderBy('name').offset(query.offset).limit(query.limit).execute();
}

/** Live versions matching the filter, each with its model's name. */
export async function searchVersionRows(
  db: Executor,
  query: RegistrySearchQuery,
): Promise<(ModelVersionsTable & { model_name: string })[]> {
  let select = db
    .selectFrom('model_versions')
    .innerJoin('registered_models', 'registered_models.model_id', 'model_versions.model_id')
    .selectAll('model_versions')
    .select('registered_models.name as model_name')
    .where('model_versions.deleted_time', 'is', null);
  const visible = visibilityCondition('model_versions.model_id', query.visible);
  if (visible) select = select.where(visible);
  for (const comparison of query.filter.comparisons) select = select.where(versionCondition(comparison));
  for (const clause of query.orderBy) {
    select = select.orderBy(column(VERSION_COLUMNS, clause.key), clause.ascending ? 'asc' : 'desc');
  }
  return select
    .orderBy('registered_models.name')
    .orderBy('model_versions.version', 'desc')
    .offset(query.offset)
    .limit(query.limit)
    .execute();
}
