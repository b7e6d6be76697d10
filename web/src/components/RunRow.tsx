import { memo } from 'react';
import { type ColumnRef, columnValue, type RunRow } from '../lib/columns.js';
import { formatDuration, formatNumber, formatTime } from '../lib/format.js';
import type { TreePlace } from '../lib/run-tree.js';
import { StatusBadge } from './StatusBadge.js';

export interface RunRowProps {
  row: RunRow;
  index: number;
  /** Pixel offset from the virtualiser. */
  start: number;
  template: string;
  width: number;
  /** Shown in the pinned block at the top (the run also keeps its place below). */
  pinnedCopy: boolean;
  focused: boolean;
  selected: boolean;
  pinned: boolean;
  cells: (ColumnRef | undefined)[];
  /** Where the run sits among nested runs; absent in a grouped table and for a pinned copy. */
  tree: TreePlace | undefined;
  now: number;
  onFocus: (index: number) => void;
  onOpen: (runId: string) => void;
  onToggleSelect: (runId: string) => void;
  onTogglePin: (runId: string) => void;
  onToggleChildren: (runId: string) => void;
}

/**
 * One run in the virtualised table. Memoised: while scrolling, rows that stay in view are not rendered again, only
 * the ones scrolling in are, which keeps frames short with many columns.
 */
export const RunRowView = memo(function RunRowView(props: RunRowProps) {
  const { row, index, start, template, width, pinnedCopy, focused, selected, pinned, cells, tree, now } = props;
  const runId = row.run.runId;
  const name = row.run.runName || runId;
  return (
    <tr
      aria-selected={selected}
      className={`grid-row ${focused ? 'focused' : ''} ${pinnedCopy ? 'pinned' : ''} ${selected ? 'selected' : ''}`}
      style={{ transform: `translateY(${start}px)`, gridTemplateColumns: template, width }}
      onClick={() => props.onFocus(index)}
      onDoubleClick={() => props.onOpen(runId)}
      data-run-id={runId}
      data-depth={tree?.depth}
    >
      <td className="grid-cell sticky">
        <input
          type="checkbox"
          aria-label={`Select ${name}`}
          checked={selected}
          onChange={() => props.onToggleSelect(runId)}
          onClick={(event) => event.stopPropagation()}
        />
      </td>
      <td className="grid-cell sticky run-name-cell" style={{ left: 36 }}>
        <button
          type="button"
          className={`pin ${pinned ? 'on' : ''}`}
          title={pinned ? 'Unpin' : 'Pin to top'}
          aria-label={pinned ? `Unpin ${name}` : `Pin ${name}`}
          onClick={(event) => {
            event.stopPropagation();
            props.onTogglePin(runId);
          }}
        >
          {pinned ? '●' : '○'}
        </button>
        {tree && <span className="tree-indent" style={{ width: tree.depth * 16 }} aria-hidden="true" />}
        {tree && tree.childCount > 0 ? (
          <button
            type="button"
            className="tree-toggle"
            aria-expanded={tree.open}
            aria-label={`${tree.open ? 'Collapse' : 'Expand'} ${tree.childCount} child runs of ${name}`}
            title={`${tree.childCount} child ${tree.childCount === 1 ? 'run' : 'runs'}`}
            onClick={(event) => {
              event.stopPropagation();
              props.onToggleChildren(runId);
            }}
            data-testid="tree-toggle"
          >
            {tree.open ? '▾' : '▸'}
            <span className="tree-count">{tree.childCount}</span>
          </button>
        ) : tree ? (
          <span className="tree-toggle tree-leaf" aria-hidden="true" />
        ) : null}
        <a
          href={`/experiments/${encodeURIComponent(row.run.experimentId)}/runs/${encodeURIComponent(runId)}`}
          onClick={(event) => {
            if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
            event.preventDefault();
            props.onOpen(runId);
          }}
          className="run-link"
        >
          {name}
        </a>
      </td>
      {cells.map((ref, i) => (
        <td key={ref?.id ?? i} className={`grid-cell ${ref?.kind === 'metrics' ? 'num' : ''}`}>
          {ref ? <Cell row={row} column={ref} now={now} /> : null}
        </td>
      ))}
    </tr>
  );
});

function Cell({ row, column, now }: { row: RunRow; column: ColumnRef; now: number }) {
  const value = columnValue(row, column, now);
  if (value === null) return <span className="muted">—</span>;
  if (column.kind === 'metrics') return <>{formatNumber(value as number)}</>;
  if (column.kind === 'attributes') {
    if (column.key === 'status') return <StatusBadge status={String(value)} />;
    if (column.key === 'start_time') return <>{formatTime(value as number)}</>;
    if (column.key === 'duration') return <>{formatDuration(value as number)}</>;
  }
  return <span title={String(value)}>{String(value)}</span>;
}
