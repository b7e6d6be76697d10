import '@xyflow/react/dist/style.css';
import {
  Background,
  Controls,
  type Edge,
  MarkerType,
  MiniMap,
  type NodeTypes,
  ReactFlow,
  useReactFlow,
} from '@xyflow/react';
import { useEffect, useMemo, useState } from 'react';
import type { WalkDirection } from '../../api/lineage-client.js';
import { NODE_HEIGHT, NODE_WIDTH } from '../../lib/lineage/elk-layout.js';
import { styleOf } from '../../lib/lineage/entity-style.js';
import type { ViewEdge } from '../../lib/lineage/node-groups.js';
import { EdgeProvenance } from './EdgeProvenance.js';
import { type LineageFlowNode, LineageNodeCard } from './LineageNodeCard.js';
import type { LaidOut } from './use-elk-layout.js';

const NONE: never[] = [];

const NODE_TYPES: NodeTypes = { lineage: LineageNodeCard };

export interface CanvasProps {
  /** The view as last laid out; the page keeps it on screen while a changed view is being laid out. */
  shown: LaidOut | null;
  ready: boolean;
  focusId: string;
  selectedId: string | null;
  highlighted: ReadonlySet<string> | null;
  canExpand: (direction: WalkDirection, nodeId: string) => boolean;
  onSelect: (nodeId: string | null) => void;
  labelOf: (nodeId: string) => string;
  dark: boolean;
}

/**
 * The graph drawn with React Flow at the positions ELK chose. With a highlight, nodes and edges outside it fade.
 * Hovering an edge shows which run and event recorded it.
 */
export function LineageCanvas(props: CanvasProps) {
  const { shown, ready, focusId, selectedId, highlighted, canExpand, onSelect, dark } = props;
  const flow = useReactFlow();
  const [hovered, setHovered] = useState<{ edge: ViewEdge; x: number; y: number } | null>(null);
  const nodes = shown?.nodes ?? NONE;
  const edges = shown?.edges ?? NONE;

  const flowNodes = useMemo<LineageFlowNode[]>(
    () =>
      nodes.map((view) => ({
        id: view.id,
        type: 'lineage',
        position: shown?.positions.get(view.id) ?? { x: 0, y: 0 },
        // These nodes are made afresh on every highlight or selection, without the size React Flow measured, and it
        // hides a node of unknown size until it measures it again (which it may not do when nothing resized): the
        // size the layout reserved stands in until then, so a node never goes invisible.
        initialWidth: NODE_WIDTH,
        initialHeight: NODE_HEIGHT,
        selected: view.id === selectedId,
        data: {
          view,
          focus: view.id === focusId,
          highlighted: highlighted?.has(view.id) ?? false,
          dimmed: highlighted !== null && !highlighted.has(view.id),
          canExpand: {
            upstream: !view.members && canExpand('upstream', view.id),
            downstream: !view.members && canExpand('downstream', view.id),
          },
        },
      })),
    [nodes, shown, selectedId, focusId, highlighted, canExpand],
  );

  const flowEdges = useMemo<Edge[]>(() => {
    const kindOf = new Map(nodes.map((n) => [n.id, n.kind]));
    return edges.map((edge) => {
      const lit = highlighted !== null && highlighted.has(edge.from) && highlighted.has(edge.to);
      const colour = lit ? '#f59f00' : styleOf(kindOf.get(edge.from) ?? '').colour;
      return {
        id: edge.id,
        source: edge.from,
        target: edge.to,
        label: edge.count > 1 ? `×${edge.count}` : undefined,
        className: lit ? 'lineage-edge lit' : highlighted ? 'lineage-edge dimmed' : 'lineage-edge',
        style: { stroke: colour, strokeWidth: lit ? 3 : 1.5 },
        markerEnd: { type: MarkerType.ArrowClosed, color: colour },
        data: { edge },
      };
    });
  }, [edges, nodes, highlighted]);

  // Each new layout is fitted to the frame once its positions are in, so an expansion is seen whole.
  useEffect(() => {
    if (!ready) return;
    const frame = requestAnimationFrame(() => void flow.fitView({ padding: 0.08, maxZoom: 1.1, duration: 0 }));
    return () => cancelAnimationFrame(frame);
  }, [ready, flow]);

  return (
    <div
      className="lineage-canvas"
      data-testid="lineage-canvas"
      data-layout={ready ? 'ready' : 'pending'}
      data-nodes={nodes.length}
    >
      <ReactFlow
        nodes={flowNodes}
        edges={flowEdges}
        nodeTypes={NODE_TYPES}
        colorMode={dark ? 'dark' : 'light'}
        nodesDraggable={false}
        nodesConnectable={false}
        elementsSelectable
        minZoom={0.02}
        maxZoom={2}
        onlyRenderVisibleElements
        proOptions={{ hideAttribution: true }}
        onNodeClick={(_, node) => onSelect(node.id)}
        onPaneClick={() => onSelect(null)}
        onEdgeMouseEnter={(event, edge) =>
          setHovered({ edge: (edge.data as { edge: ViewEdge }).edge, x: event.clientX, y: event.clientY })
        }
        onEdgeMouseLeave={() => setHovered(null)}
      >
        <Background gap={24} size={1} />
        <Controls showInteractive={false} />
        {nodes.length > 30 && (
          <MiniMap pannable zoomable nodeColor={(n) => styleOf((n as LineageFlowNode).data.view.kind).colour} />
        )}
      </ReactFlow>
      {hovered && <EdgeProvenance edge={hovered.edge} x={hovered.x} y={hovered.y} labelOf={props.labelOf} />}
    </div>
  );
}
