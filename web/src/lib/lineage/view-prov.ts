import type { GraphEdge, LineageNode as StoredNode } from '../../../../src/domain/lineage/graph.js';
import { isNodeKind } from '../../../../src/domain/lineage/node-id.js';
import { type ProvDocument, provDocument } from '../../../../src/domain/lineage/prov-document.js';
import type { LineageGraph } from './lineage-graph.js';

/**
 * The graph on screen as W3C PROV-JSON, mapped exactly as the server maps a model version's provenance
 * (GET /api/v1/lineage/model-versions/<model>/<version>/prov), so both exports read the same.
 */
export function viewProv(graph: LineageGraph): ProvDocument {
  const nodes: StoredNode[] = [];
  for (const node of graph.nodes.values()) {
    if (isNodeKind(node.kind)) nodes.push({ ...node, kind: node.kind });
  }
  // PROV relations are read from an edge's ends and type alone; edges learnt from a path carry nothing more.
  const edges: GraphEdge[] = [...graph.edges.values()].map((edge) => ({
    from: edge.from,
    to: edge.to,
    type: edge.type,
    runId: edge.runId,
    eventId: edge.eventId ?? null,
    createdTime: edge.createdTime ?? 0,
    attributes: edge.attributes ?? {},
  }));
  return provDocument(nodes, edges);
}
