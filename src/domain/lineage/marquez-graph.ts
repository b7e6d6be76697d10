import type { GraphEdge, LineageNode } from './graph.js';

export interface MarquezEdge {
  origin: string;
  destination: string;
  type: GraphEdge['type'];
}

export interface MarquezNode {
  id: string;
  type: string;
  data: Record<string, unknown>;
  inEdges: MarquezEdge[];
  outEdges: MarquezEdge[];
}

/**
 * The neighbourhood of a node in the shape Marquez's lineage endpoint answers with ({graph: [{id, type, data,
 * inEdges, outEdges}]}), so UIs built for Marquez can draw it. Node types are the Mnemo kinds in upper case.
 */
export function marquezGraph(nodes: readonly LineageNode[], edges: readonly GraphEdge[]): { graph: MarquezNode[] } {
  const present = new Set(nodes.map((n) => n.id));
  const inside = edges.filter((e) => present.has(e.from) && present.has(e.to));
  const graph = [...nodes]
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map((node) => ({
      id: node.id,
      type: node.kind.toUpperCase(),
      data: { ...node.attributes, id: node.id, kind: node.kind, label: node.label, createdTime: node.createdTime },
      inEdges: inside.filter((e) => e.to === node.id).map(toMarquez),
      outEdges: inside.filter((e) => e.from === node.id).map(toMarquez),
    }));
  return { graph };
}

const toMarquez = (edge: GraphEdge): MarquezEdge => ({ origin: edge.from, destination: edge.to, type: edge.type });
