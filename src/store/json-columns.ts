/** Rows the database handed over as one JSON array per column (see SqlDialect.jsonColumns), aligned by position. */
export interface JsonColumns {
  length: number;
  columns: unknown[][];
}

/**
 * SQLite hands JSON over as text, the PostgreSQL driver parses it. No rows give empty arrays on SQLite and NULLs on
 * PostgreSQL (json_agg of no rows); either way the first column has no entries.
 */
export function readJsonColumns(value: unknown): JsonColumns {
  const columns = (typeof value === 'string' ? JSON.parse(value) : value) as (unknown[] | null)[] | null;
  const first = columns?.[0];
  return first ? { length: first.length, columns: columns as unknown[][] } : { length: 0, columns: [] };
}
