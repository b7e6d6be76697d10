import pg from 'pg';
import type { NeutralType } from '../../domain/backup/dump-format.js';
import type { DriverValue } from '../../domain/backup/dump-values.js';
import { type CatalogTable, isMigratorTable, type RawConnection } from './raw-connection.js';

const BATCH = 1000;
/** PostgreSQL takes at most 65535 parameters a statement. */
const MAX_PARAMETERS = 60_000;
const INT8 = 20;
const JSON_OIDS = new Set([114, 3802]);

/** information_schema's data_type, mapped to the dump's types. */
export function postgresNeutralType(dataType: string): NeutralType {
  if (['bigint', 'integer', 'smallint'].includes(dataType)) return 'integer';
  if (['double precision', 'real'].includes(dataType)) return 'real';
  if (dataType === 'boolean') return 'boolean';
  if (dataType === 'bytea') return 'blob';
  return 'text';
}

export async function openPostgresRaw(connectionString: string): Promise<RawConnection> {
  // bigint stays text (the application's pool reads it as a number, which a copy must not risk), json stays the text
  // stored; everything else as pg reads it (bytea as Buffer, double precision as number, NaN and ±Infinity too).
  const client = new pg.Client({
    connectionString,
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === INT8 || JSON_OIDS.has(oid)
          ? (value: string) => value
          : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
    },
  });
  client.on('error', () => {});
  await client.connect();
  const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;
  const run = (text: string, params: readonly DriverValue[] = []) =>
    client.query({ text, values: params as unknown[] });
  return {
    dialect: 'postgres',
    storesNaN: true,
    async tables() {
      const names = await run(
        `select table_name from information_schema.tables
          where table_schema = current_schema() and table_type = 'BASE TABLE' order by table_name`,
      );
      const columns = await run(
        `select table_name, column_name, data_type, is_generated from information_schema.columns
          where table_schema = current_schema() order by table_name, ordinal_position`,
      );
      const keys = await run(
        `select c.relname as source, r.relname as target from pg_constraint k
           join pg_class c on c.oid = k.conrelid join pg_class r on r.oid = k.confrelid
           join pg_namespace n on n.oid = c.relnamespace
          where k.contype = 'f' and n.nspname = current_schema()`,
      );
      const tables: CatalogTable[] = [];
      for (const { table_name: name } of names.rows as { table_name: string }[]) {
        if (isMigratorTable(name)) continue;
        tables.push({
          name,
          columns: (
            columns.rows as { table_name: string; column_name: string; data_type: string; is_generated: string }[]
          )
            .filter((c) => c.table_name === name && c.is_generated !== 'ALWAYS')
            .map((c) => ({ name: c.column_name, type: postgresNeutralType(c.data_type) })),
          references: [
            ...new Set(
              (keys.rows as { source: string; target: string }[])
                .filter((k) => k.source === name && k.target !== name)
                .map((k) => k.target),
            ),
          ],
        });
      }
      return tables;
    },
    async query(text, params = []) {
      return (await run(text, params)).rows as Record<string, DriverValue>[];
    },
    async readRows(table, columns, onBatch) {
      // A cursor inside the open transaction: the table is read in batches from the same snapshot.
      await run(`declare mnemo_dump no scroll cursor for select ${columns.map(quote).join(', ')} from ${quote(table)}`);
      try {
        for (;;) {
          const batch = await client.query({ text: `fetch ${BATCH} from mnemo_dump`, rowMode: 'array' });
          if (batch.rows.length > 0) await onBatch(batch.rows as DriverValue[][]);
          if (batch.rows.length < BATCH) break;
        }
      } finally {
        await run('close mnemo_dump');
      }
    },
    async insertRows(table, columns, rows) {
      const perStatement = Math.max(1, Math.min(BATCH, Math.floor(MAX_PARAMETERS / Math.max(1, columns.length))));
      for (let start = 0; start < rows.length; start += perStatement) {
        const slice = rows.slice(start, start + perStatement);
        const values = slice
          .map((_, r) => `(${columns.map((_, c) => `$${r * columns.length + c + 1}`).join(', ')})`)
          .join(', ');
        await run(`insert into ${quote(table)} (${columns.map(quote).join(', ')}) values ${values}`, slice.flat());
      }
    },
    async beginSnapshot() {
      await run('begin isolation level repeatable read read only');
    },
    async beginWrite() {
      await run('begin');
    },
    async resetSequences() {
      const owned = await run(
        `select table_name, column_name, pg_get_serial_sequence(quote_ident(table_name), column_name) as sequence
           from information_schema.columns
          where table_schema = current_schema()
            and pg_get_serial_sequence(quote_ident(table_name), column_name) is not null`,
      );
      for (const row of owned.rows as { table_name: string; column_name: string; sequence: string }[]) {
        const column = quote(row.column_name);
        await run(`select setval($1, coalesce((select max(${column}) from ${quote(row.table_name)}), 0) + 1, false)`, [
          row.sequence,
        ]);
      }
    },
    async commit() {
      await run('commit');
    },
    async rollback() {
      await run('rollback');
    },
    async close() {
      await client.end();
    },
  };
}
