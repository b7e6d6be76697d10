import { createHash } from 'node:crypto';
import type { Compilable } from 'kysely';
import type { Executor } from './store.js';

/** Far more than the queries that use this; past it (a caller whose SQL text varies) queries just run unnamed. */
const MAX_NAMED = 64;
const nameOfText = new Map<string, string>();

/**
 * Runs a fixed-shape query under a statement name, so a database that plans every unnamed statement afresh
 * (PostgreSQL) plans it once per connection instead. Meant for the few queries run on nearly every request, such as
 * authenticating a token: its three-table join costs about 0.3 ms to plan and 0.05 ms to run. The name carries a
 * digest of the SQL text, so one query compiled for two dialects, or changed between releases, never collides.
 */
export async function executeNamed<R>(db: Executor, name: string, query: Compilable<R>): Promise<R[]> {
  const compiled = query.compile();
  if (!nameOfText.has(compiled.sql) && nameOfText.size < MAX_NAMED) {
    nameOfText.set(compiled.sql, `${name}_${createHash('sha256').update(compiled.sql).digest('hex').slice(0, 12)}`);
  }
  return (await db.executeQuery(compiled)).rows;
}

/** The statement name executeNamed gave a SQL text, if any (read by the PostgreSQL driver). */
export function statementNameOf(sqlText: string): string | undefined {
  return nameOfText.get(sqlText);
}
