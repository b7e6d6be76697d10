import type { Filter, FilterEntity, OrderByClause } from '../search/filter-ast.js';
import type { FieldRule, FilterSchema } from '../search/filter-fields.js';
import { parseFilter } from '../search/filter-parser.js';
import { syntaxError } from '../search/filter-tokenizer.js';

/**
 * MLflow's registry search filters: `name LIKE 'fraud%'`, `tags.team = 'risk'` for registered models, plus
 * `run_id = '…'`, `run_id IN (…)`, `source`, `version_number` for model versions. Comparisons are joined by AND.
 */
const PATTERN: FieldRule = { valueKind: 'string', operators: ['=', '!=', 'LIKE', 'ILIKE'] };
const LISTED: FieldRule = { valueKind: 'string', operators: ['=', '!=', 'LIKE', 'ILIKE', 'IN', 'NOT IN'] };
const NUMERIC: FieldRule = {
  valueKind: 'number',
  operators: ['=', '!=', '>', '>=', '<', '<='],
  quotedNumbers: true,
  integer: true,
};

type EntityFields = FilterSchema['entities'] extends ReadonlyMap<FilterEntity, infer F> ? F : never;

const anyTag: EntityFields = { kind: 'any-key', rule: PATTERN };

const attributes = (spec: [string, string, FieldRule][]): EntityFields => ({
  kind: 'fixed-keys',
  fields: new Map(spec.map(([spelling, key, rule]) => [spelling, { entity: 'attribute', key, rule }])),
});

export const MODEL_FILTER_SCHEMA: FilterSchema = {
  target: 'registered models',
  entities: new Map<FilterEntity, EntityFields>([
    ['tag', anyTag],
    ['attribute', attributes([['name', 'name', PATTERN]])],
  ]),
};

export const VERSION_FILTER_SCHEMA: FilterSchema = {
  target: 'model versions',
  entities: new Map<FilterEntity, EntityFields>([
    ['tag', anyTag],
    [
      'attribute',
      attributes([
        ['name', 'name', PATTERN],
        ['run_id', 'run_id', LISTED],
        ['source', 'source', PATTERN],
        ['version_number', 'version', NUMERIC],
        ['current_stage', 'stage', LISTED],
      ]),
    ],
  ]),
};

/** Parses a registry search filter against MODEL_FILTER_SCHEMA or VERSION_FILTER_SCHEMA. */
export function parseRegistryFilter(filter: string | undefined, schema: FilterSchema): Filter {
  return parseFilter(filter, schema);
}

/** Order-by for registry searches: `name`, `version_number`, `creation_timestamp`, `last_updated_timestamp`. */
const ORDER_FIELDS: Record<'model' | 'version', Map<string, string>> = {
  model: new Map([
    ['name', 'name'],
    ['creation_timestamp', 'creation_time'],
    ['last_updated_timestamp', 'last_updated_time'],
    ['timestamp', 'last_updated_time'],
  ]),
  version: new Map([
    ['name', 'name'],
    ['version_number', 'version'],
    ['creation_timestamp', 'creation_time'],
    ['last_updated_timestamp', 'last_updated_time'],
    ['timestamp', 'creation_time'],
  ]),
};

export function parseRegistryOrderBy(clauses: string[] | undefined, target: 'model' | 'version'): OrderByClause[] {
  const fields = ORDER_FIELDS[target];
  return (clauses ?? []).map((clause) => {
    const match = /^\s*`?([a-z_]+)`?\s*(?:\s(ASC|DESC))?\s*$/i.exec(clause);
    const key = match ? fields.get(match[1]!.replace(/^attributes?\./, '')) : undefined;
    if (!match || key === undefined) {
      throw syntaxError({ text: clause, label: 'order_by clause' }, 'unknown field or form', 0, {
        hint: `use <field> [ASC|DESC] with field one of ${[...fields.keys()].join(', ')}`,
      });
    }
    return { entity: 'attribute', key, ascending: match[2]?.toUpperCase() !== 'DESC' };
  });
}
