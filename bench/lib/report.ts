import type { BenchResult } from './scenario.js';

/** Formats a number for the table: thousands separators for big values, three significant digits for small ones. */
export function formatValue(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Math.abs(value) >= 1000) return Math.round(value).toLocaleString('en-US');
  if (Math.abs(value) >= 100) return value.toFixed(0);
  if (Math.abs(value) >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

export function meetsTarget(result: BenchResult): boolean | undefined {
  if (!result.target) return undefined;
  return result.target.better === 'higher' ? result.value >= result.target.value : result.value <= result.target.value;
}

const HEADER = ['scenario', 'backend', 'figure', 'value', 'unit', 'reference (same run)', 'ratio', 'target'];

function rowOf(result: BenchResult): string[] {
  const ok = meetsTarget(result);
  const target = result.target
    ? `${result.target.better === 'higher' ? '≥' : '≤'} ${formatValue(result.target.value)} ${ok ? 'met' : 'MISSED'}`
    : '';
  return [
    result.scenario,
    result.backend,
    result.figure,
    formatValue(result.value),
    result.unit,
    result.reference
      ? `${result.reference.figure}: ${formatValue(result.reference.value)} ${result.reference.unit}`
      : '',
    result.reference ? `${(result.reference.ratio * 100).toFixed(0)}%` : '',
    target,
  ];
}

/** A Markdown table: readable in a terminal and pasteable into the README as is. */
export function markdownTable(results: readonly BenchResult[]): string {
  const rows = [HEADER, ...results.map(rowOf)];
  const widths = HEADER.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  const line = (cells: string[]) => `| ${cells.map((cell, c) => cell.padEnd(widths[c]!)).join(' | ')} |`;
  return [line(rows[0]!), `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`, ...rows.slice(1).map(line)].join('\n');
}
