import { type ColumnDef, type ColumnSizingState, getCoreRowModel, useReactTable } from '@tanstack/react-table';
import { useVirtualizer } from '@tanstack/react-virtual';
import { type KeyboardEvent, useEffect, useMemo, useRef, useState } from 'react';
import { type ColumnRef, columnLabel, columnValue, orderByFor, parseSort, type RunRow } from '../lib/columns.js';
import { formatDuration, formatNumber, formatTime } from '../lib/format.js';
import { type DisplayRow, groupKey } from '../lib/grouping.js';
import { StatusBadge } from './StatusBadge.js';

const ROW_HEIGHT = 34;

export interface RunsTableProps {
  rows: DisplayRow[];
  columns: ColumnRef[];
  sort: string;
  onSort: (orderBy: string) => void;
  onHideColumn: (id: string) => void;
  selected: ReadonlySet<string>;
  onToggleSelect: (runId: string) => void;
  onToggleAll: () => void;
  pinned: ReadonlySet<string>;
  onTogglePin: (runId: string) => void;
  expanded: ReadonlySet<string>;
  onToggleGroup: (key: string) => void;
  /** The metric aggregated in group rows. */
  aggregateMetric: string | null;
  groupLabel: string | null;
  onOpen: (runId: string) => void;
  now: number;
}

/**
 * The runs grid: TanStack Table describes columns and their widths, TanStack Virtual renders only the rows in view,
 * so scrolling 10,000+ runs costs the same as scrolling 30. Keyboard: j/k or arrows move, Enter opens, x selects,
 * p pins.
 */
export function RunsTable(props: RunsTableProps) {
  const { rows, columns, now } = props;
  const scrollRef = useRef<HTMLDivElement>(null);
  const [focus, setFocus] = useState(0);
  const [sizing, setSizing] = useState<ColumnSizingState>({});
  const sort = parseSort(props.sort);

  const defs = useMemo<ColumnDef<DisplayRow>[]>(
    () => [
      { id: '_select', size: 36, enableResizing: false },
      { id: 'attributes.run_name', size: 240, minSize: 120 },
      ...columns
        .filter((c) => c.id !== 'attributes.run_name')
        .map((c) => ({ id: c.id, size: defaultWidth(c), minSize: 60 })),
    ],
    [columns],
  );
  const table = useReactTable({
    data: rows,
    columns: defs,
    getCoreRowModel: getCoreRowModel(),
    columnResizeMode: 'onChange',
    state: { columnSizing: sizing },
    onColumnSizingChange: setSizing,
    getRowId: (row, index) =>
      row.kind === 'run' ? `${row.pinned ? 'pin:' : ''}${row.row.run.runId}` : `group:${index}`,
  });
  const leafColumns = table.getVisibleLeafColumns();
  const template = leafColumns.map((c) => `${c.getSize()}px`).join(' ');
  const width = leafColumns.reduce((sum, c) => sum + c.getSize(), 0);
  const refById = useMemo(() => new Map(columns.map((c) => [c.id, c])), [columns]);

  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
  });

  useEffect(() => {
    if (focus >= rows.length && rows.length > 0) setFocus(rows.length - 1);
  }, [rows.length, focus]);

  const move = (to: number) => {
    const next = Math.max(0, Math.min(rows.length - 1, to));
    setFocus(next);
    virtualizer.scrollToIndex(next, { align: 'auto' });
  };

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.target instanceof HTMLInputElement || event.metaKey || event.ctrlKey || event.altKey) return;
    const row = rows[focus];
    const handled = (() => {
      switch (event.key) {
        case 'j':
        case 'ArrowDown':
          move(focus + 1);
          return true;
        case 'k':
        case 'ArrowUp':
          move(focus - 1);
          return true;
        case 'Home':
          move(0);
          return true;
        case 'End':
          move(rows.length - 1);
          return true;
        case 'PageDown':
          move(focus + 20);
          return true;
        case 'PageUp':
          move(focus - 20);
          return true;
        case 'Enter':
          if (row?.kind === 'run') props.onOpen(row.row.run.runId);
          else if (row?.kind === 'group') props.onToggleGroup(groupKey(row.group.value));
          return true;
        case 'x':
        case ' ':
          if (row?.kind === 'run') props.onToggleSelect(row.row.run.runId);
          return true;
        case 'p':
          if (row?.kind === 'run') props.onTogglePin(row.row.run.runId);
          return true;
        default:
          return false;
      }
    })();
    if (handled) event.preventDefault();
  };

  const headerCell = (id: string) => {
    if (id === '_select') {
      const runRows = rows.filter((r) => r.kind === 'run');
      const all = runRows.length > 0 && runRows.every((r) => r.kind === 'run' && props.selected.has(r.row.run.runId));
      return (
        <input
          type="checkbox"
          aria-label="Select all runs"
          checked={all}
          onChange={props.onToggleAll}
          disabled={runRows.length === 0}
        />
      );
    }
    const ref = id === 'attributes.run_name' ? runNameRef : refById.get(id);
    if (!ref) return null;
    const order = orderByFor(ref, false);
    const field = order?.replace(/\s+ASC$/, '');
    const active = sort && field === sort.field;
    const label = props.groupLabel && id === 'attributes.run_name' ? `${props.groupLabel} / Run` : columnLabel(ref);
    return (
      <>
        <button
          type="button"
          className={`header-label ${order ? 'sortable' : ''}`}
          title={order ? `Sort by ${ref.id}` : `${ref.id} (not sortable on the server)`}
          disabled={!order}
          onClick={() => {
            const descending = active ? !sort.descending : ref.kind === 'metrics' || ref.key === 'start_time';
            const next = orderByFor(ref, descending);
            if (next) props.onSort(next);
          }}
        >
          {ref.kind !== 'attributes' && <span className={`kind kind-${ref.kind}`}>{ref.kind.slice(0, 1)}</span>}
          <span className="header-text">{label}</span>
          {active && <span className="sort-arrow">{sort.descending ? '↓' : '↑'}</span>}
        </button>
        {id !== 'attributes.run_name' && (
          <button
            type="button"
            className="header-hide"
            title={`Hide ${ref.id}`}
            aria-label={`Hide column ${ref.id}`}
            onClick={() => props.onHideColumn(id)}
          >
            ×
          </button>
        )}
      </>
    );
  };

  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: the scroll area takes focus so the keyboard can move through rows
    // biome-ignore lint/a11y/noStaticElementInteractions: keys are handled here for the whole virtualised table
    <div className="runs-grid" ref={scrollRef} tabIndex={0} onKeyDown={onKeyDown} data-testid="runs-grid">
      <table className="grid-table" aria-rowcount={rows.length}>
        <thead className="grid-head">
          <tr className="grid-header" style={{ gridTemplateColumns: template, width }}>
            {table.getHeaderGroups()[0]?.headers.map((header) => (
              <th
                key={header.id}
                className={`grid-cell header-cell ${header.id === '_select' || header.id === 'attributes.run_name' ? 'sticky' : ''}`}
                style={header.id === 'attributes.run_name' ? { left: 36 } : undefined}
                data-column={header.id}
              >
                {headerCell(header.id)}
                {header.column.getCanResize() && (
                  // biome-ignore lint/a11y/noStaticElementInteractions: a resize handle is a mouse affordance
                  <div
                    className="resizer"
                    onMouseDown={header.getResizeHandler()}
                    onDoubleClick={() => header.column.resetSize()}
                  />
                )}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="grid-body" style={{ height: virtualizer.getTotalSize(), width }}>
          {virtualizer.getVirtualItems().map((item) => {
            const display = rows[item.index]!;
            const focused = item.index === focus;
            const style = { transform: `translateY(${item.start}px)`, gridTemplateColumns: template, width };
            if (display.kind === 'group') {
              const { group } = display;
              const key = groupKey(group.value);
              return (
                <tr
                  key={`group:${key}`}
                  className={`grid-row group-row ${focused ? 'focused' : ''}`}
                  style={style}
                  onClick={() => {
                    setFocus(item.index);
                    props.onToggleGroup(key);
                  }}
                  data-testid="group-row"
                >
                  <td className="grid-cell sticky">{props.expanded.has(key) ? '▾' : '▸'}</td>
                  <td className="grid-cell sticky group-title" style={{ left: 36 }}>
                    <strong>{group.value ?? '(none)'}</strong>
                    <span className="muted"> · {group.count} runs</span>
                  </td>
                  <td className="grid-cell group-aggregates" style={{ gridColumn: '3 / -1' }}>
                    {props.aggregateMetric ? (
                      <span data-testid="group-aggregates">
                        {props.aggregateMetric}: mean <b>{formatNumber(group.mean)}</b> · min{' '}
                        <b>{formatNumber(group.min)}</b> · max <b>{formatNumber(group.max)}</b>
                      </span>
                    ) : (
                      <span className="muted">choose a metric to aggregate</span>
                    )}
                  </td>
                </tr>
              );
            }
            const { row, pinned } = display;
            const runId = row.run.runId;
            return (
              <tr
                key={`${pinned ? 'pin:' : ''}${runId}`}
                aria-selected={props.selected.has(runId)}
                className={`grid-row ${focused ? 'focused' : ''} ${pinned ? 'pinned' : ''} ${props.selected.has(runId) ? 'selected' : ''}`}
                style={style}
                onClick={() => setFocus(item.index)}
                onDoubleClick={() => props.onOpen(runId)}
                data-run-id={runId}
              >
                <td className="grid-cell sticky">
                  <input
                    type="checkbox"
                    aria-label={`Select ${row.run.runName}`}
                    checked={props.selected.has(runId)}
                    onChange={() => props.onToggleSelect(runId)}
                    onClick={(event) => event.stopPropagation()}
                  />
                </td>
                <td className="grid-cell sticky run-name-cell" style={{ left: 36 }}>
                  <button
                    type="button"
                    className={`pin ${props.pinned.has(runId) ? 'on' : ''}`}
                    title={props.pinned.has(runId) ? 'Unpin' : 'Pin to top'}
                    aria-label={props.pinned.has(runId) ? `Unpin ${row.run.runName}` : `Pin ${row.run.runName}`}
                    onClick={(event) => {
                      event.stopPropagation();
                      props.onTogglePin(runId);
                    }}
                  >
                    {props.pinned.has(runId) ? '●' : '○'}
                  </button>
                  <a
                    href={`/experiments/${encodeURIComponent(row.run.experimentId)}/runs/${encodeURIComponent(runId)}`}
                    onClick={(event) => {
                      if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
                      event.preventDefault();
                      props.onOpen(runId);
                    }}
                    className="run-link"
                  >
                    {row.run.runName || runId}
                  </a>
                </td>
                {leafColumns.slice(2).map((column) => {
                  const ref = refById.get(column.id);
                  return (
                    <td key={column.id} className={`grid-cell ${ref?.kind === 'metrics' ? 'num' : ''}`}>
                      {ref ? <Cell row={row} ref_={ref} now={now} /> : null}
                    </td>
                  );
                })}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

const runNameRef: ColumnRef = { id: 'attributes.run_name', kind: 'attributes', key: 'run_name' };

function defaultWidth(ref: ColumnRef): number {
  if (ref.kind === 'metrics') return 120;
  if (ref.kind === 'attributes') return ref.key === 'start_time' ? 150 : ref.key === 'run_id' ? 270 : 110;
  return 140;
}

function Cell({ row, ref_, now }: { row: RunRow; ref_: ColumnRef; now: number }) {
  const value = columnValue(row, ref_, now);
  if (value === null) return <span className="muted">—</span>;
  if (ref_.kind === 'metrics') return <>{formatNumber(value as number)}</>;
  if (ref_.kind === 'attributes') {
    if (ref_.key === 'status') return <StatusBadge status={String(value)} />;
    if (ref_.key === 'start_time') return <>{formatTime(value as number)}</>;
    if (ref_.key === 'duration') return <>{formatDuration(value as number)}</>;
  }
  return <span title={String(value)}>{String(value)}</span>;
}
