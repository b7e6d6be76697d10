import type { Comparison, Filter } from './filter-ast.js';
import {
  EXPERIMENT_FILTER_SCHEMA,
  type FilterOperator,
  type FilterSchema,
  type ResolvedField,
  RUN_FILTER_SCHEMA,
  resolveField,
} from './filter-fields.js';
import { parseIdentifier } from './filter-identifier.js';
import { syntaxError, type Token } from './filter-tokenizer.js';
import { isKeyword, TokenCursor } from './token-cursor.js';

export { parseOrderBy } from './order-by-parser.js';

/**
 * Parser for MLflow's search filter language: `<identifier> <operator> <value>` comparisons joined by AND.
 * It only validates and normalizes; turning the result into SQL is the store's job.
 */
export function parseRunFilter(filter: string | undefined): Filter {
  return parseFilter(filter, RUN_FILTER_SCHEMA);
}

export function parseExperimentFilter(filter: string | undefined): Filter {
  return parseFilter(filter, EXPERIMENT_FILTER_SCHEMA);
}

/** Parses a filter against any schema of fields: runs, experiments, registered models, model versions. */
export function parseFilter(filter: string | undefined, schema: FilterSchema): Filter {
  if (filter === undefined || filter.trim() === '') return { comparisons: [] };
  const cursor = new TokenCursor({ text: filter, label: 'filter' });
  const comparisons = [parseComparison(cursor, schema)];
  while (!cursor.atEnd()) {
    const token = cursor.next();
    if (isKeyword(token, 'OR')) throw cursor.errorAt(token, 'OR is not supported, only AND can join comparisons');
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
      `operator '${op}' is not supported for ${field.entity} comparison '${identifier.raw}'`,
      cursor.positionOf(operatorToken),
      { hint: `allowed operators: ${field.rule.operators.join(', ')}` },
    );
  }
  const { entity, key } = field;
  switch (op) {
    case 'IS NULL':
    case 'IS NOT NULL':
      return { entity, key, op };
    case 'IN':
    case 'NOT IN':
      return { entity, key, op, value: parseStringList(cursor, field) };
    default:
      return { entity, key, op, value: parseScalar(cursor, field) };
  }
}

const OPERATOR_LIST = '=, !=, <>, >, >=, <, <=, LIKE, ILIKE, IN, NOT IN, IS NULL or IS NOT NULL';

function parseOperator(cursor: TokenCursor): FilterOperator {
  const token = cursor.next();
  if (token?.kind === 'op') {
    switch (token.text) {
      case '<>':
        return '!=';
      case '=':
      case '!=':
      case '>':
      case '>=':
      case '<':
      case '<=':
        return token.text;
    }
  }
  if (token?.kind === 'word') {
    switch (token.text.toUpperCase()) {
      case 'LIKE':
        return 'LIKE';
      case 'ILIKE':
        return 'ILIKE';
      case 'IN':
        return 'IN';
      case 'NOT':
        if (cursor.acceptKeyword('IN')) return 'NOT IN';
        throw cursor.errorAt(cursor.peek(), 'expected IN after NOT');
      case 'IS': {
        const negated = cursor.acceptKeyword('NOT');
        if (cursor.acceptKeyword('NULL')) return negated ? 'IS NOT NULL' : 'IS NULL';
        throw cursor.errorAt(cursor.peek(), `expected NULL after ${negated ? 'IS NOT' : 'IS'}`);
      }
    }
  }
  throw cursor.errorAt(token, `expected a comparison operator (${OPERATOR_LIST})`);
}

function parseScalar(cursor: TokenCursor, field: ResolvedField): number | string {
  const token = cursor.next();
  if (field.rule.valueKind === 'number') {
    const numeric = token?.kind === 'number' || (field.rule.quotedNumbers === true && isStringLiteral(token));
    if (!token || !numeric || token.text.trim() === '') {
      throw cursor.errorAt(token, `expected a number for ${field.entity} comparison`);
    }
    const value = Number(token.text);
    if (!Number.isFinite(value)) throw cursor.errorAt(token, 'number out of range');
    if (field.rule.integer && !Number.isSafeInteger(value)) {
      throw cursor.errorAt(token, `expected a whole number for ${field.entity} ${field.key}, at most 2^53 in size`);
    }
    return value;
  }
  if (field.rule.valueKind === 'boolean') {
    const text = token?.kind === 'word' || isStringLiteral(token) ? token.text.toLowerCase() : undefined;
    if (text !== 'true' && text !== 'false') {
      throw cursor.errorAt(token, `expected true or false for ${field.entity} ${field.key}`);
    }
    return text;
  }
  if (!isStringLiteral(token)) throw cursor.errorAt(token, `expected a quoted string for ${field.entity} comparison`);
  return token.text;
}

/** `('a', "b", 'c')`: at least one string, comma separated, no trailing comma. */
function parseStringList(cursor: TokenCursor, field: ResolvedField): string[] {
  const open = cursor.next();
  if (open?.kind !== 'lparen') throw cursor.errorAt(open, "expected '(' to start the list of quoted strings");
  const values: string[] = [];
  for (;;) {
    const item = cursor.next();
    if (!isStringLiteral(item)) {
      throw cursor.errorAt(item, `expected a quoted string in the list for ${field.entity} comparison`);
    }
    values.push(item.text);
    const separator = cursor.next();
    if (separator?.kind === 'rparen') return values;
    if (separator?.kind !== 'comma') throw cursor.errorAt(separator, "expected ',' or ')' in the list");
  }
}

// Backticks quote identifiers, never values.
function isStringLiteral(token: Token | undefined): token is Token {
  return token?.kind === 'quoted' && token.quote !== '`';
}
