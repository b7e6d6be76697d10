import { sql } from 'kysely';
import type { EdgeType } from '../../../domain/lineage/edge-types.js';
import type { Direction } from '../../../domain/lineage/graph.js';
import type { Executor } from '../../store.js';

export interface Closure {
  /** Each reached node with the smallest number of edges from a root (roots have depth 0). */
  depths: Map<string, number>;
  /** Whether nodes lie beyond maxDepth: the answer was cut at the depth limit. */
  truncated: boolean;
}

/**
 * The upstream, downstream or undirected closure of some roots, computed in the database with one recursive query that runs on
 * SQLite and PostgreSQL alike. UNION (not UNION ALL) keeps one row per (node, depth), and the depth bound ends
 * every walk, so cycles cost at most maxDepth rounds instead of hanging. The walk goes one level past maxDepth only
 * to learn whether anything was left out.
 */
export async function closure(
  db: Executor,
  roots: readonly string[],
  direction: Direction,
  types: readonly EdgeType[],
  maxDepth: number,
): Promise<Closure> {
  if (roots.length === 0 || types.length === 0) {
    return { depths: new Map(roots.map((r) => [r, 0])), truncated: false };
  }
  const rootList = sql.join(roots.map((r) => sql`${r}`));
  const typeList = sql.join(types.map((t) => sql`${t}`));
  const limit = maxDepth + 1;
  const step =
    direction === 'both'
      ? sql`select case when e.from_node = w.node_id then e.to_node else e.from_node end, w.depth + 1
          from walk w join lineage_edges e on (e.from_node = w.node_id or e.to_node = w.node_id)`
      : direction === 'downstream'
        ? sql`select e.to_node, w.depth + 1 from walk w join lineage_edges e on e.from_node = w.node_id`
        : sql`select e.from_node, w.depth + 1 from walk w join lineage_edges e on e.to_node = w.node_id`;
  const result = await sql<{ node_id: string; depth: number | string }>`
    with recursive walk(node_id, depth) as (
      select node_id, 0 from lineage_nodes where node_id in (${rootList})
      union
      ${step}
      where w.depth < ${limit} and e.edge_type in (${typeList})
    )
    select node_id, min(depth) as depth from walk group by node_id
  `.execute(db);
  const depths = new Map<string, number>();
  let truncated = false;
  for (const row of result.rows) {
    const depth = Number(row.depth);
    if (depth > maxDepth) truncated = true;
    else depths.set(row.node_id, depth);
  }
  return { depths, truncated };
}
