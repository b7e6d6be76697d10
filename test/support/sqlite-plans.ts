import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { type CompiledQuery, Kysely, SqliteDialect } from 'kysely';
import { openStore } from '../../src/store/open-store.js';
import type { Database } from '../../src/store/schema.js';

/**
 * A migrated SQLite database in a temporary directory, opened through a Kysely that records every statement it
 * runs, so a test can ask SQLite how it would run each of them. SQLite keeps no statistics on a Mnemo database: its
 * plans follow from the SQL and the schema alone, and a small database shows the plans a large one would get.
 */
export interface PlannedSqlite {
  dir: string;
  connection: SqliteDatabase.Database;
  db: Kysely<Database>;
  /** The statements run since the last `clear()`, in order. */
  issued: CompiledQuery[];
  clear(): void;
  /** SQLite's plan of a statement, one line per step. */
  planOf(query: CompiledQuery): string[];
  close(): Promise<void>;
}

export async function openPlannedSqlite(prefix: string): Promise<PlannedSqlite> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  const path = join(dir, 'mnemo.db');
  await (await openStore(path)).close();
  const connection = new SqliteDatabase(path);
  const issued: CompiledQuery[] = [];
  const db = new Kysely<Database>({
    dialect: new SqliteDialect({ database: connection }),
    log: (event) => {
      issued.push(event.query);
    },
  });
  return {
    dir,
    connection,
    db,
    issued,
    clear: () => {
      issued.length = 0;
    },
    planOf: (query) =>
      connection
        .prepare(`explain query plan ${query.sql}`)
        .all(...query.parameters)
        .map((row) => (row as { detail: string }).detail),
    close: async () => {
      await db.destroy();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
