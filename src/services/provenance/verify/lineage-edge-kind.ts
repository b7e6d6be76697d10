import { EDGE_TYPES } from '../../../domain/lineage/edge-types.js';
import { edgesAfter, storedEdges } from '../../../store/readers/lineage-reads.js';
import { toEdge } from '../../../store/repositories/lineage/edge-repository.js';
import { findNodes } from '../../../store/repositories/lineage/node-repository.js';
import type { LineageEdgesTable } from '../../../store/schema-lineage.js';
import type { Executor } from '../../../store/store.js';
import { edgeEntityId } from '../../lineage/graph-writer.js';
import type { RecordedRowKind } from './recorded-rows.js';

/** Missing nodes named once each; more than this many are not worth listing one by one. */
const NODES_REPORTED = 1000;

const entityIdOf = (row: Pick<LineageEdgesTable, 'from_node' | 'edge_type' | 'to_node'>) =>
  edgeEntityId({ from: row.from_node, type: row.edge_type, to: row.to_node });

/**
 * Every edge is recorded by the event that created it (edges are never changed or deleted), so each edge row must
 * equal its event's state: an edge inserted directly has no event, one deleted directly leaves an event without a
 * row, and one re-pointed directly is both. Both nodes an edge links must still be there, or walks would silently
 * stop at the gap. A fresh kind per verification, as it remembers which missing nodes it already named.
 */
export function lineageEdgeKind(): RecordedRowKind<LineageEdgesTable> {
  const reportedNodes = new Set<string>();
  return {
    entityKind: 'lineage_edge',
    noun: 'lineage edge',
    page: edgesAfter,
    entityId: entityIdOf,
    label: (row) => `lineage edge '${entityIdOf(row)}'`,
    current: (row) => ({ ...toEdge(row) }),
    present: presentEdges,
    checkPage: async (db, page, problems) => {
      const recorded = page.filter((entry) => entry.latest !== undefined);
      const ends = recorded.flatMap(({ row }) => [row.from_node, row.to_node]);
      const nodes = await findNodes(db, ends);
      for (const { row, latest } of recorded) {
        for (const end of [row.from_node, row.to_node]) {
          if (nodes.has(end) || reportedNodes.has(end) || reportedNodes.size >= NODES_REPORTED) continue;
          reportedNodes.add(end);
          problems.add({
            seq: latest!.seq,
            kind: 'entity-missing',
            message: `lineage node ${end}, linked by edge '${entityIdOf(row)}' (event ${latest!.seq}), was deleted from the database`,
          });
        }
      }
    },
  };
}

async function presentEdges(db: Executor, ids: string[]): Promise<Set<string>> {
  const edges = ids.map(parseEdgeEntityId).filter((edge) => edge !== undefined);
  if (edges.length === 0) return new Set();
  const rows = await storedEdges(
    db,
    edges.map((edge) => ({ from_node: edge.from, edge_type: edge.type, to_node: edge.to })),
  );
  return new Set(rows.map(entityIdOf));
}

/** Node ids never contain a space around an edge type (they are `<kind>:<id>` with generated ids). */
function parseEdgeEntityId(id: string): { from: string; type: string; to: string } | undefined {
  for (const type of EDGE_TYPES) {
    const at = id.indexOf(` ${type} `);
    if (at > 0) return { from: id.slice(0, at), type, to: id.slice(at + type.length + 2) };
  }
  return undefined;
}
