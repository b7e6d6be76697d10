import type { ComparisonOperator, FilterEntity, NullOperator } from './filter-ast.js';
import type { ParsedIdentifier } from './filter-identifier.js';
import { type Source, syntaxError } from './filter-tokenizer.js';

/**
 * What each search target lets a filter compare: which entities, which keys, which operators and which operand
 * type. The rules mirror MLflow so clients get the same answers (and the same refusals) from either server.
 */
export type FilterOperator = ComparisonOperator | NullOperator;

export type ValueKind = 'number' | 'string' | 'boolean';

export interface FieldRule {
  valueKind: ValueKind;
  operators: readonly FilterOperator[];
  /** Numbers may also be written as quoted strings (MLflow clients quote model version numbers). */
  quotedNumbers?: boolean;
  /** Only whole numbers both databases can compare with an integer column (times in ms, version numbers). */
  integer?: boolean;
}

/** Entities either accept any key (metrics.<anything>) or a fixed set, possibly with alias spellings. */
type EntityFields =
  | { kind: 'any-key'; rule: FieldRule }
  | { kind: 'fixed-keys'; fields: ReadonlyMap<string, ResolvedField> };

export interface ResolvedField {
  entity: FilterEntity;
  /** The canonical key, e.g. `start_time` for `created`. */
  key: string;
  rule: FieldRule;
}

export interface FilterSchema {
  /** Plural noun used in messages: "runs", "experiments". */
  target: string;
  entities: ReadonlyMap<FilterEntity, EntityFields>;
}

const NUMERIC: FieldRule = { valueKind: 'number', operators: ['=', '!=', '>', '>=', '<', '<='] };
const TIME: FieldRule = { ...NUMERIC, integer: true };
const STRING: FieldRule = { valueKind: 'string', operators: ['=', '!=', 'LIKE', 'ILIKE', 'IN', 'NOT IN'] };
// Params and tags may be absent on a run, so only they can be tested for presence.
const NULLABLE_STRING: FieldRule = { valueKind: 'string', operators: [...STRING.operators, 'IS NULL', 'IS NOT NULL'] };
/** `true`/`false`, bare or quoted; the comparison's value is the string 'true' or 'false'. */
const BOOLEAN: FieldRule = { valueKind: 'boolean', operators: ['=', '!='] };
// Experiment search has no IN lists in MLflow.
const PATTERN_STRING: FieldRule = { valueKind: 'string', operators: ['=', '!=', 'LIKE', 'ILIKE'] };

function fixedKeys(entity: FilterEntity, spec: [spelling: string, canonical: string, rule: FieldRule][]): EntityFields {
  return {
    kind: 'fixed-keys',
    fields: new Map(spec.map(([spelling, key, rule]) => [spelling, { entity, key, rule }])),
  };
}

/** Metrics, params and tags, as logged on runs and on MLflow 3's LoggedModels: any key, compared alike. */
const LOGGED_VALUES: [FilterEntity, EntityFields][] = [
  ['metric', { kind: 'any-key', rule: NUMERIC }],
  ['param', { kind: 'any-key', rule: NULLABLE_STRING }],
  ['tag', { kind: 'any-key', rule: NULLABLE_STRING }],
];

export const RUN_FILTER_SCHEMA: FilterSchema = {
  target: 'runs',
  entities: new Map<FilterEntity, EntityFields>([
    ...LOGGED_VALUES,
    [
      'attribute',
      fixedKeys('attribute', [
        ['status', 'status', STRING],
        ['run_name', 'run_name', STRING],
        ['runName', 'run_name', STRING],
        ['user_id', 'user_id', STRING],
        ['artifact_uri', 'artifact_uri', STRING],
        ['run_id', 'run_id', STRING],
        ['lifecycle_stage', 'lifecycle_stage', STRING],
        ['start_time', 'start_time', TIME],
        ['created', 'start_time', TIME],
        ['end_time', 'end_time', TIME],
        // False for a finished run lacking metadata its experiment requires (see run-requirements.ts).
        ['complete', 'complete', BOOLEAN],
      ]),
    ],
    [
      'dataset',
      fixedKeys('dataset', [
        ['name', 'name', STRING],
        ['digest', 'digest', STRING],
        ['context', 'context', STRING],
      ]),
    ],
  ]),
};

export const EXPERIMENT_FILTER_SCHEMA: FilterSchema = {
  target: 'experiments',
  entities: new Map<FilterEntity, EntityFields>([
    ['tag', { kind: 'any-key', rule: PATTERN_STRING }],
    [
      'attribute',
      fixedKeys('attribute', [
        ['name', 'name', PATTERN_STRING],
        ['creation_time', 'creation_time', TIME],
        ['last_update_time', 'last_update_time', TIME],
      ]),
    ],
  ]),
};

/** MLflow 3's LoggedModels: their attributes, and the metrics, params and tags logged with them. */
export const LOGGED_MODEL_FILTER_SCHEMA: FilterSchema = {
  target: 'logged models',
  entities: new Map<FilterEntity, EntityFields>([
    ...LOGGED_VALUES,
    [
      'attribute',
      fixedKeys('attribute', [
        ['name', 'name', STRING],
        ['model_id', 'model_id', STRING],
        ['model_type', 'model_type', STRING],
        ['status', 'status', STRING],
        ['source_run_id', 'source_run_id', STRING],
        ['creation_time', 'creation_time', TIME],
        ['creation_timestamp', 'creation_time', TIME],
        ['last_updated_time', 'last_updated_time', TIME],
        ['last_updated_timestamp', 'last_updated_time', TIME],
      ]),
    ],
  ]),
};

/** Checks an identifier against the schema, returning its canonical key and the rule its comparison must obey. */
export function resolveField(schema: FilterSchema, identifier: ParsedIdentifier, source: Source): ResolvedField {
  const { entity, key, raw, start } = identifier;
  const fields = schema.entities.get(entity);
  if (fields === undefined) {
    throw syntaxError(
      source,
      `${entity} comparisons are not supported when searching ${schema.target} ('${raw}')`,
      start,
    );
  }
  if (fields.kind === 'any-key') return { entity, key, rule: fields.rule };
  const field = fields.fields.get(key);
  if (field === undefined) {
    const allowed = [...fields.fields.keys()].join(', ');
    const written = raw === key ? '' : ` in '${raw}'`;
    throw syntaxError(source, `unknown ${entity} '${key}'${written}`, start, {
      hint: `allowed ${entity} keys: ${allowed}`,
    });
  }
  return field;
}
