import { type ColumnRef, columnValue, type RunRow } from './columns.js';

/**
 * The runs table as CSV (RFC 4180): one line per run loaded for the current filter, the run's id and name, then the
 * table's columns named as the filter language names them (`metrics.loss`), so a header is never ambiguous. Times
 * are ISO 8601 in UTC and durations milliseconds, which spreadsheets and pandas read without guessing.
 */
export function runsToCsv(rows: readonly RunRow[], columns: readonly ColumnRef[], now: number): string {
  const shown = columns.filter((c) => c.id !== 'attributes.run_name' && c.id !== 'attributes.run_id');
  const header = ['run_id', 'run_name', ...shown.map((c) => c.id)];
  const lines = [header.map(csvField)];
  for (const row of rows) {
    lines.push([row.run.runId, row.run.runName, ...shown.map((c) => exported(row, c, now))].map(csvField));
  }
  return `${lines.map((fields) => fields.join(',')).join('\r\n')}\r\n`;
}

function exported(row: RunRow, column: ColumnRef, now: number): string {
  const value = columnValue(row, column, now);
  if (value === null) return '';
  if (column.kind === 'attributes' && column.key === 'start_time') return new Date(value as number).toISOString();
  return String(value);
}

/**
 * Quotes a field when it holds a comma, quote or line break. A text that a spreadsheet would run as a formula
 * (starting with =, +, -, @ or a tab, and not a number) is prefixed with a quote mark, so opening an export never
 * runs what someone logged as a param or tag.
 */
export function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) && !Number.isFinite(Number(value)) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}
