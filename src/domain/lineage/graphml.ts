import type { LineageEdge, LineageNode } from './graph.js';

/** The whole graph as GraphML, for tools such as Gephi or yEd; attributes travel as one JSON string per element. */
export function toGraphMl(nodes: readonly LineageNode[], edges: readonly LineageEdge[]): string {
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<graphml xmlns="http://graphml.graphdrawing.org/xmlns">',
    '  <key id="kind" for="node" attr.name="kind" attr.type="string"/>',
    '  <key id="label" for="node" attr.name="label" attr.type="string"/>',
    '  <key id="attributes" for="all" attr.name="attributes" attr.type="string"/>',
    '  <key id="type" for="edge" attr.name="type" attr.type="string"/>',
    '  <key id="runId" for="edge" attr.name="runId" attr.type="string"/>',
    '  <key id="createdTime" for="all" attr.name="createdTime" attr.type="long"/>',
    '  <graph id="mnemo-lineage" edgedefault="directed">',
  ];
  for (const node of nodes) {
    lines.push(
      `    <node id="${xml(node.id)}"><data key="kind">${xml(node.kind)}</data><data key="label">${xml(node.label)}</data>` +
        `<data key="attributes">${xml(JSON.stringify(node.attributes))}</data>` +
        `<data key="createdTime">${node.createdTime}</data></node>`,
    );
  }
  for (const edge of edges) {
    lines.push(
      `    <edge source="${xml(edge.from)}" target="${xml(edge.to)}"><data key="type">${edge.type}</data>` +
        (edge.runId ? `<data key="runId">${xml(edge.runId)}</data>` : '') +
        `<data key="attributes">${xml(JSON.stringify(edge.attributes))}</data>` +
        `<data key="createdTime">${edge.createdTime}</data></edge>`,
    );
  }
  lines.push('  </graph>', '</graphml>');
  return `${lines.join('\n')}\n`;
}

function xml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&apos;');
}
