import { sql } from 'kysely';
import type { DatasetInput, KeyValue, Metric } from '../../domain/tracking/entities.js';
import type { RunModelOutput } from '../../domain/tracking/logged-model.js';
import { dialectOf } from '../dialect/dialect-of.js';
import { type JsonColumns, readJsonColumns } from '../json-columns.js';
import type { Executor } from '../store.js';

/** What a run holds besides its own row. */
export interface RunChildren {
  params: KeyValue[];
  tags: KeyValue[];
  metrics: Metric[];
  inputs: DatasetInput[];
  modelOutputs: RunModelOutput[];
  modelInputs: string[];
}

interface ChildrenRow {
  run_id: string;
  params: unknown;
  tags: unknown;
  metrics: unknown;
  inputs: unknown;
  models: unknown;
}

/**
 * The params, tags, latest metrics and dataset inputs of the given runs in one statement: one row per run, each
 * list aggregated by the database into one JSON array per column (keys, values, ...), aligned by position.
 *
 * A page of 100 runs has thousands of child rows, and turning each into a JavaScript object (with its run id
 * copied again) cost more than finding them; one JSON text per list parses natively and far faster. Columns rather
 * than one small array per row take the database a third less work to build and JSON.parse fewer arrays to make.
 * The run ids come as one parameter (no lookup of each in runs: the caller has their rows).
 */
export async function findRunChildren(db: Executor, runIds: readonly string[]): Promise<Map<string, RunChildren>> {
  const dialect = dialectOf(db);
  const jsonColumns = dialect.jsonColumns;
  const { rows } = await sql<ChildrenRow>`select r.run_id,
      ${jsonColumns(['key', 'value'], 'run_params where run_id = r.run_id', 'key')} as params,
      ${jsonColumns(['key', 'value'], 'run_tags where run_id = r.run_id', 'key')} as tags,
      ${jsonColumns(['key', 'step', 'timestamp', 'value', 'is_nan'], 'latest_metrics where run_id = r.run_id', 'key')} as metrics,
      ${jsonColumns(
        ['d.name', 'd.digest', 'd.source_type', 'd.source', 'd.schema', 'd.profile', 'ri.tags'],
        'run_inputs ri join datasets d on d.dataset_id = ri.dataset_id where ri.run_id = r.run_id',
        'd.name, d.digest',
      )} as inputs,
      ${jsonColumns(['direction', 'model_id', 'step'], 'run_model_links where run_id = r.run_id', 'direction, model_id')} as models
    from ${dialect.runIdTable(runIds)}`.execute(db);
  const children = new Map<string, RunChildren>();
  for (const row of rows) {
    children.set(row.run_id, {
      params: toKeyValues(readJsonColumns(row.params)),
      tags: toKeyValues(readJsonColumns(row.tags)),
      metrics: toMetrics(readJsonColumns(row.metrics)),
      inputs: toInputs(readJsonColumns(row.inputs)),
      ...toModelLinks(readJsonColumns(row.models)),
    });
  }
  return children;
}

function toKeyValues({ length, columns }: JsonColumns): KeyValue[] {
  const [keys, values] = columns as [string[], string[]];
  const pairs = new Array<KeyValue>(length);
  for (let i = 0; i < length; i++) pairs[i] = { key: keys[i]!, value: values[i]! };
  return pairs;
}

function toMetrics({ length, columns }: JsonColumns): Metric[] {
  const [keys, steps, timestamps, values, nans] = columns as [
    string[],
    number[],
    number[],
    (number | string)[],
    number[],
  ];
  const metrics = new Array<Metric>(length);
  for (let i = 0; i < length; i++) {
    // NaN is stored as 0 with is_nan set. PostgreSQL writes ±Infinity in JSON as the strings "Infinity" and
    // "-Infinity" (SQLite as 9e999, which parses to Infinity).
    metrics[i] = {
      key: keys[i]!,
      step: steps[i]!,
      timestamp: timestamps[i]!,
      value: nans[i] ? Number.NaN : Number(values[i]),
    };
  }
  return metrics;
}

function toInputs({ length, columns }: JsonColumns): DatasetInput[] {
  const [names, digests, sourceTypes, sources, schemas, profiles, tags] = columns as [
    string[],
    string[],
    string[],
    string[],
    (string | null)[],
    (string | null)[],
    string[],
  ];
  const inputs = new Array<DatasetInput>(length);
  for (let i = 0; i < length; i++) {
    inputs[i] = {
      name: names[i]!,
      digest: digests[i]!,
      sourceType: sourceTypes[i]!,
      source: sources[i]!,
      schema: schemas[i] ?? null,
      profile: profiles[i] ?? null,
      tags: JSON.parse(tags[i]!) as KeyValue[],
    };
  }
  return inputs;
}

function toModelLinks({ length, columns }: JsonColumns): {
  modelOutputs: RunModelOutput[];
  modelInputs: string[];
} {
  const [directions, modelIds, steps] = columns as [string[], string[], (number | string | null)[]];
  const modelOutputs: RunModelOutput[] = [];
  const modelInputs: string[] = [];
  for (let i = 0; i < length; i++) {
    if (directions[i] === 'output') modelOutputs.push({ modelId: modelIds[i]!, step: Number(steps[i] ?? 0) });
    else modelInputs.push(modelIds[i]!);
  }
  return { modelOutputs, modelInputs };
}
