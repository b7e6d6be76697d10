import { type ColumnRef, columnValue, type RunRow } from './columns.js';
import type { TreePlace } from './run-tree.js';

export interface RunGroup {
  /** The grouped field's value; null collects runs that lack it. */
  value: string | null;
  rows: RunRow[];
  count: number;
  /** Aggregates of the chosen metric over the group's runs that have a finite value of it. */
  mean: number | null;
  min: number | null;
  max: number | null;
}

/**
 * Groups loaded runs by a param, tag or attribute and aggregates one metric per group. Groups keep the order in
 * which their first run appears, so the server's sort still decides what comes first.
 */
export function groupRuns(rows: readonly RunRow[], by: ColumnRef, metric: string | null, now: number): RunGroup[] {
  const groups = new Map<string | null, RunRow[]>();
  for (const row of rows) {
    const raw = columnValue(row, by, now);
    const value = raw === null ? null : String(raw);
    const list = groups.get(value);
    if (list) list.push(row);
    else groups.set(value, [row]);
  }
  return [...groups].map(([value, members]) => {
    const values = metric
      ? members.map((m) => m.metrics[metric]).filter((v): v is number => v !== undefined && Number.isFinite(v))
      : [];
    let sum = 0;
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    for (const v of values) {
      sum += v;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    const any = values.length > 0;
    return {
      value,
      rows: members,
      count: members.length,
      mean: any ? sum / values.length : null,
      min: any ? min : null,
      max: any ? max : null,
    };
  });
}

/**
 * The rows a grouped table shows: one header per group, followed by its runs when the group is expanded. An
 * ungrouped table nests runs under their parent, and says where each sits in that tree.
 */
export type DisplayRow =
  | { kind: 'group'; group: RunGroup }
  | { kind: 'run'; row: RunRow; pinned: boolean; tree?: TreePlace };

export function flattenGroups(groups: readonly RunGroup[], expanded: ReadonlySet<string>): DisplayRow[] {
  const out: DisplayRow[] = [];
  for (const group of groups) {
    out.push({ kind: 'group', group });
    if (expanded.has(groupKey(group.value))) {
      for (const row of group.rows) out.push({ kind: 'run', row, pinned: false });
    }
  }
  return out;
}

export const groupKey = (value: string | null) => (value === null ? '\u0000none' : value);
