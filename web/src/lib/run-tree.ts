import type { RunRow } from './columns.js';

/** Where a run sits in the nested-runs tree: how deep, how many runs it parents, and whether those are shown. */
export interface TreePlace {
  depth: number;
  childCount: number;
  open: boolean;
}

export interface TreeRow {
  row: RunRow;
  tree: TreePlace;
}

/**
 * Nests loaded runs under their parent (MLflow's `mlflow.parentRunId` tag, read as `parentRunId`), showing a
 * parent's children only when it is open. A run whose parent is not among the loaded rows (filtered out, deleted,
 * in another experiment) stays at the top level, so no run a search found is hidden. Siblings keep the order in
 * which they were loaded, so the server's sort still decides what comes first at every level.
 */
export function buildRunTree(rows: readonly RunRow[], open: ReadonlySet<string>): TreeRow[] {
  const loaded = new Set(rows.map((r) => r.run.runId));
  const children = new Map<string, RunRow[]>();
  const roots: RunRow[] = [];
  for (const row of rows) {
    const parent = row.run.parentRunId;
    if (parent && parent !== row.run.runId && loaded.has(parent)) {
      const list = children.get(parent);
      if (list) list.push(row);
      else children.set(parent, [row]);
    } else {
      roots.push(row);
    }
  }
  const out: TreeRow[] = [];
  // A parent chain that loops back on itself has no root; its runs are added at the top level once the walk from
  // the real roots is done, so each loaded run appears exactly once.
  const placed = new Set<string>();
  const visit = (row: RunRow, depth: number) => {
    if (placed.has(row.run.runId)) return;
    placed.add(row.run.runId);
    const kids = children.get(row.run.runId) ?? [];
    const isOpen = kids.length > 0 && open.has(row.run.runId);
    out.push({ row, tree: { depth, childCount: kids.length, open: isOpen } });
    if (isOpen) for (const kid of kids) visit(kid, depth + 1);
  };
  for (const root of roots) visit(root, 0);
  const reachable = new Set<string>();
  const mark = (id: string) => {
    if (reachable.has(id)) return;
    reachable.add(id);
    for (const kid of children.get(id) ?? []) mark(kid.run.runId);
  };
  for (const root of roots) mark(root.run.runId);
  for (const row of rows) if (!reachable.has(row.run.runId)) visit(row, 0);
  return out;
}
