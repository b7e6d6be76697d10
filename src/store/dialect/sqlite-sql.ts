import { CompiledQuery, type SqlBool, sql } from 'kysely';
import type { RunRowsWrite, SqlDialect } from './sql-dialect.js';
import { sqliteFullText } from './sqlite-full-text.js';

// At most 7,000 bound values a statement (SQLite allows 32,766) and 1,000 rows.
const MAX_PARAMETERS = 7000;
const MAX_ROWS = 1000;

const sqliteTexts = new Map<string, string>();

/**
 * A multi-row INSERT of `rows` rows. Texts of full chunks are remembered, so every full chunk of every batch sends
 * the same text and the driver reuses its prepared statement; odd-sized remainders are built each time (remembering
 * them would grow without bound).
 */
function insertText(write: RunRowsWrite, perRow: number, rows: number, full: boolean): string {
  const names = ['run_id', ...write.columns.map((c) => c.name), ...(write.trailing ? [write.trailing.name] : [])];
  const key = full ? `${write.table}|${names.join(',')}|${write.conflict}|${rows}` : undefined;
  let text = key === undefined ? undefined : sqliteTexts.get(key);
  if (!text) {
    const row = `(${Array.from({ length: perRow }, () => '?').join(', ')})`;
    text = `insert into ${write.table} (${names.join(', ')}) values ${Array(rows).fill(row).join(', ')} ${write.conflict}`;
    if (key !== undefined) sqliteTexts.set(key, text);
  }
  return text;
}

export const sqliteSql: SqlDialect = {
  name: 'sqlite',
  fullText: sqliteFullText,
  rowLocks: false,
  multiTableWrites: false,
  forUpdate: (query) => query,
  plansFromStatistics: false,
  lookedUp: (column) => sql`+${sql.ref(column)}`,
  keyedValueEquals: (column, value) => sql<SqlBool>`${column} = ${value}`,
  keyedValueOrder: (column) => [column],
  byteOrder: (column) => column,
  withoutParallelWorkers: (db, read) => read(db),

  async writeRunRows(db, write) {
    const count = write.columns[0]?.values.length ?? 0;
    const perRow = write.columns.length + 1 + (write.trailing ? 1 : 0);
    const chunk = Math.min(MAX_ROWS, Math.floor(MAX_PARAMETERS / perRow));
    let changed = 0;
    for (let start = 0; start < count; start += chunk) {
      const end = Math.min(count, start + chunk);
      const parameters: unknown[] = new Array((end - start) * perRow);
      let p = 0;
      for (let i = start; i < end; i++) {
        parameters[p++] = write.runId;
        for (const column of write.columns) parameters[p++] = column.values[i];
        if (write.trailing) parameters[p++] = write.trailing.value;
      }
      const text = insertText(write, perRow, end - start, end - start === chunk);
      const result = await db.executeQuery(CompiledQuery.raw(text, parameters));
      changed += Number(result.numAffectedRows ?? 0);
    }
    return changed;
  },

  async runStatements(db, statements) {
    for (const statement of statements) await db.executeQuery(CompiledQuery.raw(statement));
  },

  async writeRunRowsTogether(db, writes) {
    for (const write of writes) await this.writeRunRows(db, write);
  },

  runIdTable: (runIds) => sql`(select value as run_id from json_each(${JSON.stringify(runIds)})) r`,

  /**
   * SQLite aggregates an ordered subquery, every column in the same pass: its index already yields that order, where
   * an ORDER BY in the aggregate would sort every run's rows again, and SQLite keeps a FROM subquery's order for an
   * aggregate over it (the group_concat idiom).
   */
  jsonColumns(columns, from, orderBy) {
    const aliased = columns.map((column, i) => `${column} as c${i}`).join(', ');
    const aggregates = columns.map((_, i) => `json_group_array(c${i})`).join(', ');
    return sql.raw(`(select json_array(${aggregates}) from (select ${aliased} from ${from} order by ${orderBy}))`);
  },

  // `rows` is ordered already, and SQLite keeps a FROM subquery's order for an aggregate over it (as above). SQLite
  // writes doubles in JSON with all 17 digits and ±Infinity as ±9e999, so they parse back exactly.
  async numberRowsOf(db, rows, columns) {
    const read = await sql<{ rows: string }>`select json_group_array(json_array(${sql.raw(columns.join(', '))})) as rows
      from (${rows})`.execute(db);
    const parsed = JSON.parse(read.rows[0]?.rows ?? '[]') as (number | null)[][];
    const width = columns.length;
    const numbers = new Float64Array(parsed.length * width);
    for (let r = 0; r < parsed.length; r++) {
      const row = parsed[r]!;
      for (let c = 0; c < width; c++) numbers[r * width + c] = row[c] ?? Number.NaN;
    }
    return numbers;
  },

  concatenated: (column, orderBy) => sql.raw<string>(`group_concat(${column}, '' order by ${orderBy})`),
};
