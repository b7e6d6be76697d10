import { createHash } from 'node:crypto';
import SqliteDatabase from 'better-sqlite3';
import pg from 'pg';
import type { BenchDatabase } from './databases.js';

export type ColumnType = 'text' | 'bigint' | 'float8' | 'int' | 'bytea';

/** Rows of one table as parallel column arrays (column-major: cheap to build and what unnest() wants). */
export interface ColumnBatch {
  table: string;
  columns: { name: string; type: ColumnType; values: readonly (string | number | Buffer | null)[] }[];
}

/**
 * Writes straight into a Mnemo database, bypassing the server: used to load large fixtures quickly and to
 * measure the storage limit ingest is compared with. Each `insert` is one transaction.
 * SQLite: one prepared single-row INSERT, reused for every row, inside BEGIN … COMMIT, with the server's pragmas.
 * PostgreSQL: one prepared INSERT … SELECT FROM unnest($1::text[], …) per batch, inside BEGIN … COMMIT.
 */
export interface DirectWriter {
  insert(batch: ColumnBatch): Promise<void>;
  query(sql: string): Promise<void>;
  /** Runs a query whose first row's `n` column is a count. */
  count(sql: string, parameters: readonly string[]): Promise<number>;
  /** Runs a query and answers its rows' `v` column as text. */
  texts(sql: string): Promise<string[]>;
  close(): Promise<void>;
}

export async function openDirectWriter(database: BenchDatabase): Promise<DirectWriter> {
  return database.sqlitePath ? sqliteWriter(database.sqlitePath) : postgresWriter(database.postgresUrl!);
}

function sqliteWriter(path: string): DirectWriter {
  const db = new SqliteDatabase(path);
  // The same durability and integrity settings the server runs with, so the comparison is like for like.
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 10000');
  db.pragma('cache_size = -65536');
  const statements = new Map<string, SqliteDatabase.Statement>();
  return {
    async insert(batch) {
      const names = batch.columns.map((c) => c.name);
      const text = `insert into ${batch.table} (${names.join(', ')}) values (${names.map(() => '?').join(', ')})`;
      let statement = statements.get(text);
      if (!statement) {
        statement = db.prepare(text);
        statements.set(text, statement);
      }
      const prepared = statement;
      const columns = batch.columns.map((c) => c.values);
      const rowCount = columns[0]?.length ?? 0;
      const row: (string | number | Buffer | null)[] = new Array(columns.length);
      db.transaction(() => {
        for (let r = 0; r < rowCount; r++) {
          for (let c = 0; c < columns.length; c++) row[c] = columns[c]![r]!;
          prepared.run(row);
        }
      })();
    },
    async query(sql) {
      db.exec(sql);
    },
    async count(sql, parameters) {
      const row = db.prepare(sql).get(...parameters.map(String)) as { n: number };
      return row.n;
    },
    async texts(sql) {
      return (db.prepare(sql).all() as { v: unknown }[]).map((row) => String(row.v));
    },
    async close() {
      db.close();
    },
  };
}

async function postgresWriter(url: string): Promise<DirectWriter> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return {
    async insert(batch) {
      const names = batch.columns.map((c) => c.name);
      const arrays = batch.columns.map((c, i) => `$${i + 1}::${c.type}[]`);
      const text = `insert into ${batch.table} (${names.join(', ')}) select * from unnest(${arrays.join(', ')})`;
      await client.query('begin');
      try {
        await client.query({
          // PostgreSQL truncates statement names at 63 bytes; a digest of the text is short and unique.
          name: `bench_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`,
          text,
          values: batch.columns.map((c) => c.values),
        });
        await client.query('commit');
      } catch (error) {
        await client.query('rollback');
        throw error;
      }
    },
    async query(sql) {
      await client.query(sql);
    },
    async count(sql, parameters) {
      // The same `?` placeholders as SQLite, numbered the way PostgreSQL wants them.
      let index = 0;
      const result = await client.query<{ n: string }>(
        sql.replace(/\?/g, () => `$${++index}`),
        [...parameters],
      );
      return Number(result.rows[0]?.n ?? 0);
    },
    async texts(sql) {
      return (await client.query<{ v: unknown }>(sql)).rows.map((row) => String(row.v));
    },
    close: () => client.end(),
  };
}
