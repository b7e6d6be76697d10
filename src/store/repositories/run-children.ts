import { type RawBuilder, sql } from 'kysely';
import type { DatasetInput, KeyValue, Metric } from '../../domain/tracking/entities.js';
import { dialectOf } from '../dialect/dialect-of.js';
import type { DialectName, Executor } from '../store.js';

/** What a run holds besides its own row. */
export interface RunChildren {
  params: KeyValue[];
  tags: KeyValue[];
  metrics: Metric[];
  inputs: DatasetInput[];
}

interface ChildrenRow {
  run_id: string;
  params: unknown;
  tags: unknown;
  metrics: unknown;
  inputs: unknown;
}

/**
 * The params, tags, latest metrics and dataset inputs of the given runs in one statement: one row per run, each
 * list aggregated to a JSON array of arrays by the database.
 *
 * A page of 100 runs has thousands of child rows, and turning each into a JavaScript object (with its run id
 * copied again) cost more than finding them; one JSON text per list parses natively and far faster.
 */
export async function findRunChildren(db: Executor, runIds: readonly string[]): Promise<Map<string, RunChildren>> {
  const dialect = dialectOf(db);
  const { rows } = await sql<ChildrenRow>`select r.run_id,
      ${jsonRows(dialect, ['key', 'value'], 'run_params where run_id = r.run_id', 'key')} as params,
      ${jsonRows(dialect, ['key', 'value'], 'run_tags where run_id = r.run_id', 'key')} as tags,
      ${jsonRows(dialect, ['key', 'step', 'timestamp', 'value', 'is_nan'], 'latest_metrics where run_id = r.run_id', 'key')} as metrics,
      ${jsonRows(
        dialect,
        ['d.name', 'd.digest', 'd.source_type', 'd.source', 'd.schema', 'd.profile', 'ri.tags'],
        'run_inputs ri join datasets d on d.dataset_id = ri.dataset_id where ri.run_id = r.run_id',
        'd.name',
      )} as inputs
    from runs r where r.run_id in (${sql.join(runIds)})`.execute(db);
  const children = new Map<string, RunChildren>();
  for (const row of rows) {
    children.set(row.run_id, {
      params: jsonList(row.params).map(toKeyValue),
      tags: jsonList(row.tags).map(toKeyValue),
      metrics: jsonList(row.metrics).map(toMetric),
      inputs: jsonList(row.inputs).map(toInput),
    });
  }
  return children;
}

/**
 * A correlated subquery yielding the rows of `from` (table names and a condition on r.run_id, never request data)
 * as one JSON array of arrays in `orderBy` order. PostgreSQL orders inside the aggregate. SQLite reads an ordered
 * subquery instead: its index already yields that order, where an ORDER BY in the aggregate would sort every run's
 * rows again, and SQLite keeps a FROM subquery's order for an aggregate over it (the group_concat idiom).
 */
function jsonRows(dialect: DialectName, columns: string[], from: string, orderBy: string): RawBuilder<unknown> {
  if (dialect === 'postgres') {
    return sql.raw(`(select json_agg(json_build_array(${columns.join(', ')}) order by ${orderBy}) from ${from})`);
  }
  const aliased = columns.map((column, i) => `${column} as c${i}`).join(', ');
  const aliases = columns.map((_, i) => `c${i}`).join(', ');
  return sql.raw(
    `(select json_group_array(json_array(${aliases})) from (select ${aliased} from ${from} order by ${orderBy}))`,
  );
}

/** SQLite hands JSON over as text, the PostgreSQL driver parses it; a run with no such rows has NULL there. */
function jsonList(value: unknown): unknown[][] {
  if (value === null || value === undefined) return [];
  return (typeof value === 'string' ? JSON.parse(value) : value) as unknown[][];
}

function toKeyValue(item: unknown[]): KeyValue {
  return { key: item[0] as string, value: item[1] as string };
}

function toMetric(item: unknown[]): Metric {
  const [key, step, timestamp, value, isNan] = item as [string, number, number, number | string, number];
  // NaN is stored as 0 with is_nan set. PostgreSQL writes ±Infinity in JSON as the strings "Infinity" and
  // "-Infinity" (SQLite as 9e999, which parses to Infinity).
  return { key, step, timestamp, value: isNan ? Number.NaN : Number(value) };
}

function toInput(item: unknown[]): DatasetInput {
  const [name, digest, sourceType, source, schema, profile, tags] = item as [
    string,
    string,
    string,
    string,
    string | null,
    string | null,
    string,
  ];
  return { name, digest, sourceType, source, schema, profile, tags: JSON.parse(tags) as KeyValue[] };
}
