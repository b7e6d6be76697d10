/**
 * True when a write failed on a unique constraint: two requests raced to create the same name. Both databases
 * report it with their own code (SQLite's extended result code, PostgreSQL's SQLSTATE 23505).
 */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === '23505';
}
