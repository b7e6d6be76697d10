import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import type { NeutralType } from '../../domain/backup/dump-format.js';
import type { DriverValue } from '../../domain/backup/dump-values.js';
import { type CatalogTable, isMigratorTable, type RawConnection } from './raw-connection.js';

const BATCH = 1000;

/** SQLite's type affinity rules (section 3.1 of its datatype page), mapped to the dump's types. */
export function sqliteNeutralType(declared: string): NeutralType {
  const type = declared.toUpperCase();
  if (type.includes('BOOL')) return 'boolean';
  if (type.includes('INT')) return 'integer';
  if (type.includes('CHAR') || type.includes('CLOB') || type.includes('TEXT') || type.includes('JSON')) return 'text';
  if (type.includes('BLOB') || type === '') return 'blob';
  if (type.includes('REAL') || type.includes('FLOA') || type.includes('DOUB')) return 'real';
  return 'real';
}

export function openSqliteRaw(path: string, options: { readOnly: boolean }): RawConnection {
  if (!options.readOnly) mkdirSync(dirname(path), { recursive: true });
  const db = new SqliteDatabase(path, options.readOnly ? { readonly: true, fileMustExist: true } : {});
  db.defaultSafeIntegers(true);
  db.pragma('busy_timeout = 10000');
  db.pragma('foreign_keys = ON');
  if (!options.readOnly) db.pragma('journal_mode = WAL');
  const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;
  return {
    dialect: 'sqlite',
    storesNaN: false,
    async tables() {
      const entries = db
        .prepare("select name, sql from sqlite_master where type = 'table' and name not like 'sqlite\\_%' escape '\\'")
        .safeIntegers(false)
        .all() as { name: string; sql: string | null }[];
      const virtual = entries.filter((e) => /^create\s+virtual\s+table/i.test(e.sql ?? '')).map((e) => e.name);
      const tables: CatalogTable[] = [];
      for (const { name } of entries) {
        if (isMigratorTable(name) || virtual.some((v) => name === v || name.startsWith(`${v}_`))) continue;
        const columns = (
          db
            .prepare(`pragma table_xinfo(${quote(name)})`)
            .safeIntegers(false)
            .all() as {
            name: string;
            type: string;
            hidden: number;
          }[]
        )
          .filter((c) => c.hidden === 0)
          .map((c) => ({ name: c.name, type: sqliteNeutralType(c.type) }));
        const references = (
          db
            .prepare(`pragma foreign_key_list(${quote(name)})`)
            .safeIntegers(false)
            .all() as { table: string }[]
        )
          .map((k) => k.table)
          .filter((t) => t !== name);
        tables.push({ name, columns, references: [...new Set(references)] });
      }
      return tables;
    },
    async query(text, params = []) {
      const statement = db.prepare(text);
      if (!statement.reader) {
        statement.run(...params);
        return [];
      }
      return statement.all(...params) as Record<string, DriverValue>[];
    },
    async readRows(table, columns, onBatch) {
      const statement = db.prepare(`select ${columns.map(quote).join(', ')} from ${quote(table)}`).raw(true);
      let batch: DriverValue[][] = [];
      // Nothing else runs on this connection while the iterator is open, so waiting on the writer in between is safe.
      for (const row of statement.iterate() as Iterable<DriverValue[]>) {
        batch.push(row);
        if (batch.length === BATCH) {
          await onBatch(batch);
          batch = [];
        }
      }
      if (batch.length > 0) await onBatch(batch);
    },
    async insertRows(table, columns, rows) {
      const statement = db.prepare(
        `insert into ${quote(table)} (${columns.map(quote).join(', ')}) values (${columns.map(() => '?').join(', ')})`,
      );
      for (const row of rows) statement.run(...row);
    },
    async beginSnapshot() {
      // A deferred transaction takes its snapshot at the first read: make that read now, so every table sees it.
      db.exec('begin');
      db.prepare('select count(*) from sqlite_master').get();
    },
    async beginWrite() {
      db.exec('begin immediate');
      db.pragma('defer_foreign_keys = ON');
    },
    async resetSequences() {
      // INTEGER PRIMARY KEY columns continue from the largest key by themselves.
    },
    async commit() {
      db.exec('commit');
    },
    async rollback() {
      if (db.inTransaction) db.exec('rollback');
    },
    async close() {
      db.close();
    },
  };
}
