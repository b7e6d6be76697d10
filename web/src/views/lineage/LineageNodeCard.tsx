import { Handle, type Node, type NodeProps, Position } from '@xyflow/react';
import { createContext, memo, useContext } from 'react';
import type { WalkDirection } from '../../api/lineage-client.js';
import { styleOf } from '../../lib/lineage/entity-style.js';
import type { ViewNode } from '../../lib/lineage/node-groups.js';

export interface LineageNodeData extends Record<string, unknown> {
  view: ViewNode;
  focus: boolean;
  highlighted: boolean;
  dimmed: boolean;
  canExpand: Record<WalkDirection, boolean>;
}

export type LineageFlowNode = Node<LineageNodeData, 'lineage'>;

/** What a node's own buttons do; given by the page so node data stays plain and nodes re-render only on change. */
export const NodeActions = createContext<{
  expand: (direction: WalkDirection, nodeId: string) => void;
  openGroup: (groupId: string) => void;
}>({ expand: () => {}, openGroup: () => {} });

export function EntityIcon({ kind, size = 20 }: { kind: string; size?: number }) {
  const style = styleOf(kind);
  return (
    <svg width={size} height={size} viewBox="0 0 24 24" aria-hidden="true" className="entity-icon">
      <path
        d={style.icon}
        fill="none"
        stroke={style.colour}
        strokeWidth="2"
        strokeLinecap="round"
        strokeLinejoin="round"
      />
    </svg>
  );
}

/** One node of the lineage graph: its kind's colour and icon, its label, and buttons to read one step further. */
export const LineageNodeCard = memo(function LineageNodeCard({ data, selected }: NodeProps<LineageFlowNode>) {
  const { view, focus, highlighted, dimmed, canExpand } = data;
  const actions = useContext(NodeActions);
  const style = styleOf(view.kind);
  const classes = [
    'lineage-node',
    focus && 'focus',
    highlighted && 'highlighted',
    dimmed && 'dimmed',
    selected && 'selected',
  ]
    .filter(Boolean)
    .join(' ');
  const expandButton = (direction: WalkDirection) =>
    canExpand[direction] && (
      <button
        type="button"
        className={`expand expand-${direction}`}
        aria-label={`Expand ${direction} of ${view.label}`}
        title={`Show what is ${direction}`}
        onClick={(event) => {
          event.stopPropagation();
          actions.expand(direction, view.id);
        }}
      >
        {direction === 'upstream' ? '‹' : '›'}
      </button>
    );
  return (
    <div
      className={classes}
      style={{ borderColor: style.colour }}
      data-node={view.id}
      data-kind={view.kind}
      data-group={view.members ? view.members.length : undefined}
    >
      <Handle type="target" position={Position.Left} isConnectable={false} />
      {expandButton('upstream')}
      <span className="lineage-node-stripe" style={{ background: style.colour }} />
      <EntityIcon kind={view.kind} />
      <span className="lineage-node-text">
        <span className="lineage-node-label" title={view.label}>
          {view.label}
        </span>
        <span className="lineage-node-kind">
          {view.members ? (
            <button
              type="button"
              className="link-button"
              onClick={(event) => {
                event.stopPropagation();
                actions.openGroup(view.id);
              }}
            >
              Show all {view.members.length}
            </button>
          ) : (
            style.name
          )}
        </span>
      </span>
      {expandButton('downstream')}
      <Handle type="source" position={Position.Right} isConnectable={false} />
    </div>
  );
});
