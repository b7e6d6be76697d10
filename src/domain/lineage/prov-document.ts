import type { GraphEdge, LineageNode } from './graph.js';
import type { NodeKind } from './node-id.js';

/** A W3C PROV-JSON document (the member submission's layout): one map per element and relation kind. */
export interface ProvDocument {
  prefix: Record<string, string>;
  entity: Record<string, Record<string, unknown>>;
  activity: Record<string, Record<string, unknown>>;
  agent: Record<string, Record<string, unknown>>;
  used: Record<string, Record<string, string>>;
  wasGeneratedBy: Record<string, Record<string, string>>;
  wasDerivedFrom: Record<string, Record<string, string>>;
  wasAssociatedWith: Record<string, Record<string, string>>;
}

export const MNEMO_PROV_NAMESPACE = 'urn:mnemo:';
const ACTIVITY_KINDS: ReadonlySet<NodeKind> = new Set(['run', 'deployment']);

const qualified = (nodeId: string) => `mnemo:${nodeId}`;
/**
 * An xsd:dateTime for epoch milliseconds, or undefined where there is none: a time the API accepted may lie beyond
 * what a Date can hold (±8.64e15 ms), and toISOString would throw for it.
 */
const iso = (millis: unknown): string | undefined => {
  if (typeof millis !== 'number') return undefined;
  const date = new Date(millis);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
};

/**
 * Maps a lineage subgraph onto PROV: runs (and deployments) are activities, everything else is an entity; a run's
 * user and the tool that reported it are agents. consumed → used, produced → wasGeneratedBy, derived_from and
 * depends_on between entities → wasDerivedFrom (typed so the two stay distinguishable), depends_on into a run → used.
 */
export function provDocument(nodes: readonly LineageNode[], edges: readonly GraphEdge[]): ProvDocument {
  const doc: ProvDocument = {
    prefix: { mnemo: MNEMO_PROV_NAMESPACE },
    entity: {},
    activity: {},
    agent: {},
    used: {},
    wasGeneratedBy: {},
    wasDerivedFrom: {},
    wasAssociatedWith: {},
  };
  const kinds = new Map(nodes.map((n) => [n.id, n.kind]));
  for (const node of [...nodes].sort((a, b) => (a.id < b.id ? -1 : 1))) {
    const attributes: Record<string, unknown> = { 'prov:type': `mnemo:${node.kind}`, 'prov:label': node.label };
    for (const [key, value] of Object.entries(node.attributes)) {
      if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
        attributes[`mnemo:${key}`] = value;
      }
    }
    if (!ACTIVITY_KINDS.has(node.kind)) {
      doc.entity[qualified(node.id)] = attributes;
      continue;
    }
    const start = iso(node.attributes.startTime);
    const end = iso(node.attributes.endTime);
    if (start) attributes['prov:startTime'] = start;
    if (end) attributes['prov:endTime'] = end;
    doc.activity[qualified(node.id)] = attributes;
    for (const agent of agentsOf(node)) {
      doc.agent[agent.id] ??= agent.attributes;
      doc.wasAssociatedWith[`_:assoc${Object.keys(doc.wasAssociatedWith).length + 1}`] = {
        'prov:activity': qualified(node.id),
        'prov:agent': agent.id,
      };
    }
  }
  const sorted = [...edges].sort((a, b) => key(a).localeCompare(key(b)));
  for (const edge of sorted) {
    const fromKind = kinds.get(edge.from);
    const toKind = kinds.get(edge.to);
    if (!fromKind || !toKind) continue;
    const from = qualified(edge.from);
    const to = qualified(edge.to);
    const toActivity = ACTIVITY_KINDS.has(toKind);
    const fromActivity = ACTIVITY_KINDS.has(fromKind);
    if ((edge.type === 'consumed' || edge.type === 'depends_on') && toActivity && !fromActivity) {
      doc.used[`_:used${Object.keys(doc.used).length + 1}`] = { 'prov:activity': to, 'prov:entity': from };
    } else if (edge.type === 'produced' && fromActivity && !toActivity) {
      doc.wasGeneratedBy[`_:gen${Object.keys(doc.wasGeneratedBy).length + 1}`] = {
        'prov:entity': to,
        'prov:activity': from,
      };
    } else if ((edge.type === 'derived_from' || edge.type === 'depends_on') && !toActivity && !fromActivity) {
      doc.wasDerivedFrom[`_:der${Object.keys(doc.wasDerivedFrom).length + 1}`] = {
        'prov:generatedEntity': to,
        'prov:usedEntity': from,
        'prov:type': `mnemo:${edge.type}`,
      };
    }
  }
  return doc;
}

function agentsOf(node: LineageNode): { id: string; attributes: Record<string, unknown> }[] {
  const agents: { id: string; attributes: Record<string, unknown> }[] = [];
  const user = node.attributes.userId;
  if (typeof user === 'string' && user !== '') {
    agents.push({ id: `mnemo:user/${user}`, attributes: { 'prov:type': 'prov:Person', 'prov:label': user } });
  }
  const producer = node.attributes.producer;
  if (typeof producer === 'string' && producer !== '') {
    agents.push({
      id: `mnemo:software/${producer}`,
      attributes: { 'prov:type': 'prov:SoftwareAgent', 'prov:label': producer },
    });
  }
  return agents;
}

const key = (edge: GraphEdge) => `${edge.type} ${edge.from} ${edge.to}`;
