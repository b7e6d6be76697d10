/** How client commands print: tables for people, JSON (`--json`) for machines. */

export function printJson(value: unknown): void {
  console.log(JSON.stringify(value, null, 2));
}

/** Fixed-width columns for list output; the last column is never padded. Printed on stdout unless told otherwise. */
export function printTable(headers: string[], rows: string[][], print: (line: string) => void = console.log): void {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  print(line(headers));
  for (const row of rows) print(line(row));
}

export const formatTime = (millis: number): string => new Date(millis).toISOString().replace(/\.\d{3}Z$/, 'Z');
