import type { EdgeType } from '../../../domain/lineage/edge-types.js';
import type { LineageEdge } from '../../../domain/lineage/graph.js';
import type { LineageEdgesTable } from '../../schema-lineage.js';
import type { Executor } from '../../store.js';
import { inChunks } from '../chunks.js';
import { parseJson } from './json-columns.js';

export const toEdge = (row: LineageEdgesTable): LineageEdge => ({
  from: row.from_node,
  to: row.to_node,
  type: row.edge_type as EdgeType,
  runId: row.run_id,
  eventId: row.event_id,
  createdTime: row.created_time,
  attributes: parseJson<Record<string, unknown>>(row.attributes, {}),
});

/**
 * Records an edge. The same relation recorded again keeps its first creator and time: lineage says when a link
 * first became true, and replaying events must not rewrite history. Returns whether the edge is new.
 */
export async function insertEdge(db: Executor, edge: LineageEdge): Promise<boolean> {
  const result = await db
    .insertInto('lineage_edges')
    .values({
      from_node: edge.from,
      to_node: edge.to,
      edge_type: edge.type,
      run_id: edge.runId,
      event_id: edge.eventId,
      created_time: edge.createdTime,
      attributes: JSON.stringify(edge.attributes),
    })
    .onConflict((oc) => oc.columns(['from_node', 'edge_type', 'to_node']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

/** Edges leaving (downstream) or entering (upstream) any of the given nodes, restricted to the given types. */
export async function edgesTouching(
  db: Executor,
  nodes: readonly string[],
  side: 'from' | 'to',
  types: readonly EdgeType[],
): Promise<LineageEdge[]> {
  const column = side === 'from' ? 'from_node' : 'to_node';
  const edges: LineageEdge[] = [];
  for (const chunk of inChunks([...new Set(nodes)], 5000)) {
    const rows = await db
      .selectFrom('lineage_edges')
      .selectAll()
      .where(column, 'in', chunk)
      .where('edge_type', 'in', [...types])
      .execute();
    edges.push(...rows.map(toEdge));
  }
  return edges;
}

export async function listEdges(db: Executor): Promise<LineageEdge[]> {
  const rows = await db
    .selectFrom('lineage_edges')
    .selectAll()
    .orderBy('from_node')
    .orderBy('edge_type')
    .orderBy('to_node')
    .execute();
  return rows.map(toEdge);
}
