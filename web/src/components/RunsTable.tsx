import { type ColumnDef, type ColumnSizingState, getCoreRowModel, useReactTable } from '@tanstack/react-table';
import { useVirtualizer } from '@tanstack/react-virtual';
import { type KeyboardEvent, useEffect, useMemo, useRef, useState } from 'react';
import { type ColumnRef, columnLabel, orderByFor, parseSort } from '../lib/columns.js';
import { formatNumber } from '../lib/format.js';
import { type DisplayRow, groupKey } from '../lib/grouping.js';
import { RunRowView } from './RunRow.js';

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
  /** Shows or hides a parent run's nested runs. */
  onToggleChildren: (runId: string) => void;
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
  const cells = useMemo(() => leafColumns.slice(2).map((c) => refById.get(c.id)), [leafColumns, refById]);
  const allSelected = useMemo(() => {
    const runRows = rows.filter((r) => r.kind === 'run');
    return runRows.length > 0 && runRows.every((r) => r.kind === 'run' && props.selected.has(r.row.run.runId));
  }, [rows, props.selected]);

  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    // A few rows beyond the viewport hide the gap on a fast scroll; more only adds work to every frame.
    overscan: 5,
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
      return (
        <input
          type="checkbox"
          aria-label="Select all runs"
          checked={allSelected}
          onChange={props.onToggleAll}
          disabled={rows.length === 0}
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
            return (
              <RunRowView
                key={`${display.pinned ? 'pin:' : ''}${display.row.run.runId}`}
                row={display.row}
                index={item.index}
                start={item.start}
                template={template}
                width={width}
                pinnedCopy={display.pinned}
                focused={focused}
                selected={props.selected.has(display.row.run.runId)}
                pinned={props.pinned.has(display.row.run.runId)}
                cells={cells}
                tree={display.tree}
                now={now}
                onFocus={setFocus}
                onOpen={props.onOpen}
                onToggleSelect={props.onToggleSelect}
                onTogglePin={props.onTogglePin}
                onToggleChildren={props.onToggleChildren}
              />
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
