import type { ElkNode } from 'elkjs/lib/elk-api.js';
import ELK from 'elkjs/lib/elk-api.js';
import elkWorkerUrl from 'elkjs/lib/elk-worker.min.js?url';

export const NODE_WIDTH = 230;
export const NODE_HEIGHT = 58;

export interface LayoutInput {
  nodes: { id: string }[];
  edges: { id: string; from: string; to: string }[];
}

export type Positions = Map<string, { x: number; y: number }>;

/**
 * ELK's layered layout, upstream on the left and downstream on the right, computed in a Web Worker (ELK's own
 * worker script, served with the UI's assets) so that laying out hundreds of nodes never blocks the page.
 */
let elk: InstanceType<typeof ELK> | undefined;

/**
 * React Flow draws its own edges, so ELK routes them as plain polylines (orthogonal routing, ELK's default, costs
 * more than all the rest at a few hundred nodes), with one pass of crossing reduction. Past a few hundred nodes the
 * simple node placement keeps a layout near half a second where Brandes–Köpf would take twice as long.
 */
const LARGE = 200;
const layoutOptions = (nodes: number) => ({
  'elk.algorithm': 'layered',
  'elk.direction': 'RIGHT',
  'elk.edgeRouting': 'POLYLINE',
  'elk.layered.thoroughness': '1',
  'elk.layered.nodePlacement.strategy': nodes > LARGE ? 'SIMPLE' : 'BRANDES_KOEPF',
  'elk.layered.spacing.nodeNodeBetweenLayers': '70',
  'elk.spacing.nodeNode': '18',
});

export async function layoutGraph(input: LayoutInput): Promise<Positions> {
  elk ??= new ELK({ workerFactory: () => new Worker(elkWorkerUrl) });
  const graph: ElkNode = {
    id: 'root',
    layoutOptions: layoutOptions(input.nodes.length),
    children: input.nodes.map((n) => ({ id: n.id, width: NODE_WIDTH, height: NODE_HEIGHT })),
    edges: input.edges.map((e) => ({ id: e.id, sources: [e.from], targets: [e.to] })),
  };
  const laid = await elk.layout(graph);
  const positions: Positions = new Map();
  for (const child of laid.children ?? []) positions.set(child.id, { x: child.x ?? 0, y: child.y ?? 0 });
  return positions;
}
