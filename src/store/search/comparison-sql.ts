import { type RawBuilder, type SqlBool, sql } from 'kysely';
import type { Comparison } from '../../domain/search/filter-ast.js';

// Written into the statement, not bound: SQLite narrows a prefix pattern to an index range only when it can see
// the escape character while planning.
const LIKE_ESCAPE = sql.raw("'\\'");

/**
 * Renders one comparison against a column expression, with every operand bound as a parameter. LIKE is
 * case-sensitive on both databases (SQLite is told so when opened); ILIKE compares lower-cased text. Both take `\`
 * as the escape character, so `\%` and `\_` match a literal percent sign and underscore: PostgreSQL does that by
 * default, SQLite only when told, and a pattern must mean the same on either.
 */
export function compareColumn(column: RawBuilder<unknown>, comparison: Comparison): RawBuilder<SqlBool> {
  switch (comparison.op) {
    case 'IS NULL':
      return sql<SqlBool>`${column} is null`;
    case 'IS NOT NULL':
      return sql<SqlBool>`${column} is not null`;
    case 'IN':
    case 'NOT IN': {
      const values = Array.isArray(comparison.value) ? comparison.value : [String(comparison.value)];
      const list = sql.join(values.map((v) => sql`${v}`));
      return comparison.op === 'IN' ? sql<SqlBool>`${column} in (${list})` : sql<SqlBool>`${column} not in (${list})`;
    }
    case 'LIKE':
      return sql<SqlBool>`${column} like ${comparison.value} escape ${LIKE_ESCAPE}`;
    case 'ILIKE':
      return sql<SqlBool>`lower(${column}) like lower(${comparison.value}) escape ${LIKE_ESCAPE}`;
    case '=':
      return sql<SqlBool>`${column} = ${comparison.value}`;
    case '!=':
      return sql<SqlBool>`${column} <> ${comparison.value}`;
    case '>':
      return sql<SqlBool>`${column} > ${comparison.value}`;
    case '>=':
      return sql<SqlBool>`${column} >= ${comparison.value}`;
    case '<':
      return sql<SqlBool>`${column} < ${comparison.value}`;
    case '<=':
      return sql<SqlBool>`${column} <= ${comparison.value}`;
  }
}
