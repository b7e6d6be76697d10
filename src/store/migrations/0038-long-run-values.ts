import { type Kysely, sql } from 'kysely';
import type { DialectName } from '../store.js';

/**
 * MLflow allows run param values of 6,000 characters and tag values of 8,000, but one entry of a PostgreSQL B-tree
 * holds at most 2,704 bytes: a long value that did not compress well was refused by the (key, value) index and the
 * write failed. There the index now holds the key and the value's first 256 characters in byte order, which the run
 * search uses to find equal values and to walk values in order (see the SQL dialect's keyed values). SQLite has no
 * such limit and keeps its index.
 */
export async function up(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  if (dialect !== 'postgres') return;
  for (const table of ['run_params', 'run_tags'] as const) {
    const index = sql.ref(`${table}_key_value`);
    await sql`drop index ${index}`.execute(db);
    await sql`create index ${index} on ${sql.table(table)} (key, (substr(value, 1, 256)) collate "C")`.execute(db);
  }
}
