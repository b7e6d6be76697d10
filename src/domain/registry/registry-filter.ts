import type { Comparison, ComparisonOperator, Filter, FilterEntity, OrderByClause } from '../search/filter-ast.js';
import type { FieldRule, FilterSchema, ResolvedField } from '../search/filter-fields.js';
import { resolveField } from '../search/filter-fields.js';
import { parseIdentifier } from '../search/filter-identifier.js';
import { syntaxError, type Token } from '../search/filter-tokenizer.js';
import { isKeyword, TokenCursor } from '../search/token-cursor.js';

/**
 * MLflow's registry search filters: `name LIKE 'fraud%'`, `tags.team = 'risk'` for registered models, plus
 * `run_id = '…'`, `run_id IN (…)`, `source`, `version_number` for model versions. Comparisons are joined by AND.
 */
const PATTERN: FieldRule = { valueKind: 'string', operators: ['=', '!=', 'LIKE', 'ILIKE'] };
const LISTED: FieldRule = { valueKind: 'string', operators: ['=', '!=', 'LIKE', 'ILIKE', 'IN', 'NOT IN'] };
const NUMERIC: FieldRule = { valueKind: 'number', operators: ['=', '!=', '>', '>=', '<', '<='] };

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

export function parseRegistryFilter(filter: string | undefined, schema: FilterSchema): Filter {
  if (filter === undefined || filter.trim() === '') return { comparisons: [] };
  const cursor = new TokenCursor({ text: filter, label: 'filter' });
  const comparisons = [parseComparison(cursor, schema)];
  while (!cursor.atEnd()) {
    const token = cursor.next();
    if (!isKeyword(token, 'AND')) throw cursor.errorAt(token, 'expected AND or the end of the filter');
    comparisons.push(parseComparison(cursor, schema));
  }
  return { comparisons };
}

function parseComparison(cursor: TokenCursor, schema: FilterSchema): Comparison {
  const identifier = parseIdentifier(cursor);
  const field = resolveField(schema, identifier, cursor.source);
  const operatorToken = cursor.peek();
  const op = parseOperator(cursor);
  if (!field.rule.operators.includes(op)) {
    throw syntaxError(
      cursor.source,
      `operator '${op}' is not supported for '${identifier.raw}'`,
      cursor.positionOf(operatorToken),
      { hint: `allowed operators: ${field.rule.operators.join(', ')}` },
    );
  }
  const { entity, key } = field;
  if (op === 'IN' || op === 'NOT IN') return { entity, key, op, value: parseList(cursor) };
  return { entity, key, op, value: parseScalar(cursor, field) };
}

function parseOperator(cursor: TokenCursor): ComparisonOperator {
  const token = cursor.next();
  if (token?.kind === 'op') return token.text === '<>' ? '!=' : (token.text as ComparisonOperator);
  const word = token?.kind === 'word' ? token.text.toUpperCase() : '';
  if (word === 'LIKE' || word === 'ILIKE' || word === 'IN') return word;
  if (word === 'NOT' && cursor.acceptKeyword('IN')) return 'NOT IN';
  throw cursor.errorAt(token, 'expected a comparison operator (=, !=, <, <=, >, >=, LIKE, ILIKE, IN, NOT IN)');
}

function parseScalar(cursor: TokenCursor, field: ResolvedField): number | string {
  const token = cursor.next();
  if (field.rule.valueKind === 'number') {
    // MLflow clients quote version numbers as often as not.
    const text = token?.kind === 'number' || isString(token) ? token.text : undefined;
    const value = Number(text);
    if (text === undefined || text.trim() === '' || !Number.isFinite(value)) {
      throw cursor.errorAt(token, `expected a number for '${field.key}'`);
    }
    return value;
  }
  if (!isString(token)) throw cursor.errorAt(token, `expected a quoted string for '${field.key}'`);
  return token.text;
}

function parseList(cursor: TokenCursor): string[] {
  const open = cursor.next();
  if (open?.kind !== 'lparen') throw cursor.errorAt(open, "expected '(' to start the list of quoted strings");
  const values: string[] = [];
  for (;;) {
    const item = cursor.next();
    if (!isString(item)) throw cursor.errorAt(item, 'expected a quoted string in the list');
    values.push(item.text);
    const separator = cursor.next();
    if (separator?.kind === 'rparen') return values;
    if (separator?.kind !== 'comma') throw cursor.errorAt(separator, "expected ',' or ')' in the list");
  }
}

function isString(token: Token | undefined): token is Token {
  return token?.kind === 'quoted' && token.quote !== '`';
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
