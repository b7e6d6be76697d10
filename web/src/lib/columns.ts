import { fromWireNumber } from '../../../src/sdk/wire/non-finite.js';
import type { Run } from '../api/types.js';

/**
 * Runs-table columns are named as the filter language names fields (`params.lr`, `metrics.loss`, `tags.team`,
 * `attributes.status`), so a column id doubles as a sort key and as the left side of a filter.
 */
export type ColumnKind = 'attributes' | 'params' | 'metrics' | 'tags';

export interface ColumnRef {
  id: string;
  kind: ColumnKind;
  key: string;
}

/** A run with its latest metrics indexed by key, computed once per loaded run rather than per cell render. */
export interface RunRow {
  run: Run;
  metrics: Record<string, number>;
}

export function toRunRow(run: Run): RunRow {
  const metrics: Record<string, number> = {};
  for (const m of run.metrics) metrics[m.key] = fromWireNumber(m.value);
  return { run, metrics };
}

interface AttributeSpec {
  label: string;
  /** The server-side sort key, when the attribute can be sorted by the search API. */
  orderBy?: string;
  value: (row: RunRow, now: number) => string | number | null;
}

export const ATTRIBUTES: Record<string, AttributeSpec> = {
  run_name: { label: 'Run', orderBy: 'attributes.run_name', value: (r) => r.run.runName },
  status: { label: 'Status', orderBy: 'attributes.status', value: (r) => r.run.status },
  start_time: { label: 'Started', orderBy: 'attributes.start_time', value: (r) => r.run.startTime },
  duration: {
    label: 'Duration',
    value: (r, now) =>
      (r.run.endTime ?? (r.run.status === 'RUNNING' ? now : null) ?? r.run.startTime) - r.run.startTime,
  },
  user_id: { label: 'User', orderBy: 'attributes.user_id', value: (r) => r.run.userId || null },
  source: {
    label: 'Source',
    orderBy: 'tags.mlflow.source.name',
    value: (r) => r.run.tags['mlflow.source.name'] ?? null,
  },
  run_id: { label: 'Run ID', orderBy: 'attributes.run_id', value: (r) => r.run.runId },
};

export const DEFAULT_COLUMNS = [
  'attributes.status',
  'attributes.start_time',
  'attributes.duration',
  'attributes.user_id',
];

export function parseColumnId(id: string): ColumnRef | null {
  const dot = id.indexOf('.');
  if (dot <= 0 || dot === id.length - 1) return null;
  const kind = id.slice(0, dot);
  const key = id.slice(dot + 1);
  if (kind === 'attributes') return key in ATTRIBUTES ? { id, kind, key } : null;
  if (kind === 'params' || kind === 'metrics' || kind === 'tags') return { id, kind, key };
  return null;
}

export const columnId = (kind: ColumnKind, key: string) => `${kind}.${key}`;

export function columnLabel(ref: ColumnRef): string {
  return ref.kind === 'attributes' ? (ATTRIBUTES[ref.key]?.label ?? ref.key) : ref.key;
}

export function columnValue(row: RunRow, ref: ColumnRef, now: number): string | number | null {
  switch (ref.kind) {
    case 'attributes':
      return ATTRIBUTES[ref.key]?.value(row, now) ?? null;
    case 'params':
      return row.run.params[ref.key] ?? null;
    case 'metrics':
      return row.metrics[ref.key] ?? null;
    case 'tags':
      return row.run.tags[ref.key] ?? null;
  }
}

/** Writes a field reference the filter parser accepts, quoting keys that are not plain dotted words. */
export function fieldReference(kind: Exclude<ColumnKind, 'attributes'>, key: string): string {
  return /^[A-Za-z_][\w.]*$/.test(key) ? `${kind}.${key}` : `${kind}.\`${key.replaceAll('`', '')}\``;
}

/** The search API's order_by clause for a column, or null when the server cannot sort by it. */
export function orderByFor(ref: ColumnRef, descending: boolean): string | null {
  const field = ref.kind === 'attributes' ? ATTRIBUTES[ref.key]?.orderBy : fieldReference(ref.kind, ref.key);
  return field ? `${field} ${descending ? 'DESC' : 'ASC'}` : null;
}

/** Splits an order_by clause back into the column it sorts and its direction, for drawing sort arrows. */
export function parseSort(sort: string): { field: string; descending: boolean } | null {
  const match = /^(.*?)\s+(ASC|DESC)$/i.exec(sort.trim());
  if (!match) return sort.trim() ? { field: sort.trim(), descending: false } : null;
  return { field: match[1]!, descending: match[2]!.toUpperCase() === 'DESC' };
}

/** A string literal of the filter language, which reads `''` as a quote and `\\` as a backslash. */
export const quoteValue = (value: string) => `'${value.replaceAll('\\', '\\\\').replaceAll("'", "''")}'`;

/** A LIKE pattern matching `text` anywhere, its own `%`, `_` and `\` taken literally (the server escapes with `\`). */
export const containsPattern = (text: string) => quoteValue(`%${text.replace(/[\\%_]/g, '\\$&')}%`);
