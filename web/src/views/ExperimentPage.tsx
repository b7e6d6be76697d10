import { useCallback, useEffect, useMemo, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { ApiError, api } from '../api/client.js';
import { queryKeys } from '../api/queries.js';
import { roleAllows, useEffectiveRole } from '../api/session.js';
import { ColumnPicker } from '../components/ColumnPicker.js';
import { FilterBar } from '../components/FilterBar.js';
import { FirstRunHelp } from '../components/FirstRunHelp.js';
import { GroupByControl } from '../components/GroupByControl.js';
import { MilestonesPanel } from '../components/MilestonesPanel.js';
import { RunsTable } from '../components/RunsTable.js';
import { Empty, ErrorMessage, Loading } from '../components/states.js';
import { type ColumnRef, columnLabel, DEFAULT_COLUMNS, parseColumnId } from '../lib/columns.js';
import { filterFields } from '../lib/filter-suggestions.js';
import { type DisplayRow, flattenGroups, groupRuns } from '../lib/grouping.js';
import { encodeList, useQueryList, useQueryState } from '../lib/url-state.js';
import { useApiQuery } from '../lib/use-api-query.js';
import { useRunPages } from '../lib/use-run-pages.js';

const DEFAULT_SORT = 'attributes.start_time DESC';

/** One experiment's runs: filter, sort, choose columns, group, pin and select, then compare or open a run. */
export function ExperimentPage() {
  const { experimentId = '' } = useParams();
  const navigate = useNavigate();
  // Each of these is a step a user may want to take back, so each adds a history entry that Back undoes.
  const push = { history: 'push' } as const;
  const [filter, setFilter] = useQueryState('filter', '', push);
  const [sort, setSort] = useQueryState('sort', DEFAULT_SORT, push);
  const [columnIds, setColumnIds] = useQueryList('cols', DEFAULT_COLUMNS, push);
  const [pinnedIds, setPinnedIds] = useQueryList('pin', [], push);
  const [groupBy, setGroupBy] = useQueryState('group', '', push);
  const [aggregate, setAggregate] = useQueryState('agg', '', push);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [expanded, setExpanded] = useState<Set<string>>(new Set());
  const [now, setNow] = useState(Date.now());

  const experiment = useApiQuery(queryKeys.experiment(experimentId), (signal) => api.experiment(experimentId, signal));
  const role = useEffectiveRole('experiment', experimentId);
  const keys = useApiQuery(queryKeys.experimentKeys(experimentId), (signal) => api.keys(experimentId, signal));
  const orderBy = useMemo(() => [sort, 'attributes.run_id ASC'], [sort]);
  const pages = useRunPages(experimentId, filter, orderBy);

  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 5000);
    return () => clearInterval(timer);
  }, []);

  const columns = useMemo(() => columnIds.map(parseColumnId).filter((c): c is ColumnRef => c !== null), [columnIds]);
  const pinned = useMemo(() => new Set(pinnedIds), [pinnedIds]);
  const groupRef = groupBy ? parseColumnId(groupBy) : null;

  const display = useMemo<DisplayRow[]>(() => {
    if (groupRef) return flattenGroups(groupRuns(pages.rows, groupRef, aggregate || null, now), expanded);
    const top = pages.rows
      .filter((r) => pinned.has(r.run.runId))
      .map((row) => ({ kind: 'run' as const, row, pinned: true }));
    const rest = pages.rows
      .filter((r) => !pinned.has(r.run.runId))
      .map((row) => ({ kind: 'run' as const, row, pinned: false }));
    return [...top, ...rest];
  }, [pages.rows, pinned, groupRef, aggregate, expanded, now]);

  const toggle = useCallback((set: Set<string>, id: string) => {
    const next = new Set(set);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    return next;
  }, []);
  const toggleSelected = useCallback((id: string) => setSelected((s) => toggle(s, id)), [toggle]);
  const togglePinned = useCallback(
    (id: string) => setPinnedIds([...toggle(pinned, id)]),
    [toggle, pinned, setPinnedIds],
  );
  const openRun = useCallback(
    (runId: string) => navigate(`/experiments/${encodeURIComponent(experimentId)}/runs/${encodeURIComponent(runId)}`),
    [navigate, experimentId],
  );

  const filterError = pages.error instanceof ApiError && pages.error.status === 400 ? pages.error.message : undefined;
  const fields = useMemo(() => (keys.data ? filterFields(keys.data) : []), [keys.data]);
  const selectedIds = [...selected];

  if (experiment.error)
    return (
      <div className="page">
        <ErrorMessage error={experiment.error} onRetry={experiment.reload} />
      </div>
    );

  return (
    <div className="page page-wide">
      <div className="page-header">
        <div>
          <div className="crumbs">
            <Link to="/">Experiments</Link> /
          </div>
          <h1>{experiment.data?.experiment.name ?? '…'}</h1>
        </div>
        <span className="spacer" />
        <span className="muted" data-testid="run-total">
          {pages.rows.length.toLocaleString()} {pages.rows.length === 1 ? 'run' : 'runs'}
          {pages.loading && pages.rows.length > 0 ? ' (loading more…)' : ''}
        </span>
      </div>
      <MilestonesPanel experimentId={experimentId} editable={roleAllows(role ?? null, 'edit')} />
      <div className="toolbar">
        <FilterBar value={filter} fields={fields} onApply={setFilter} error={filterError} />
        <ColumnPicker keys={keys.data} columns={columnIds} onChange={setColumnIds} />
        <GroupByControl
          keys={keys.data}
          groupBy={groupBy}
          aggregate={aggregate}
          onGroupBy={(g) => {
            setGroupBy(g);
            setExpanded(new Set());
          }}
          onAggregate={setAggregate}
        />
        <button
          type="button"
          className="primary"
          disabled={selected.size < 1}
          onClick={() => navigate(`/compare?runs=${encodeList(selectedIds)}`)}
          data-testid="compare-button"
        >
          Compare{selected.size > 0 ? ` (${selected.size})` : ''}
        </button>
      </div>
      {pages.newRuns > 0 && (
        <button type="button" className="banner" onClick={pages.reload}>
          {pages.newRuns} new {pages.newRuns === 1 ? 'run' : 'runs'} since this page loaded — show
        </button>
      )}
      {pages.error && !filterError ? (
        <ErrorMessage error={pages.error} onRetry={pages.reload} />
      ) : filterError ? (
        <Empty title="The filter could not be applied">
          <p>Fix the filter above; the server's explanation is shown under it.</p>
        </Empty>
      ) : pages.loading && pages.rows.length === 0 ? (
        <Loading label="Loading runs…" />
      ) : pages.rows.length === 0 ? (
        filter ? (
          <Empty title="No run matches this filter">
            <p>
              Loosen the filter or{' '}
              <button type="button" className="link-button" onClick={() => setFilter('')}>
                clear it
              </button>
              .
            </p>
          </Empty>
        ) : (
          <Empty title="No runs in this experiment yet">
            <FirstRunHelp experimentName={experiment.data?.experiment.name} />
          </Empty>
        )
      ) : (
        <>
          <RunsTable
            rows={display}
            columns={columns}
            sort={sort}
            onSort={setSort}
            onHideColumn={(id) => setColumnIds(columnIds.filter((c) => c !== id))}
            selected={selected}
            onToggleSelect={toggleSelected}
            onToggleAll={() =>
              setSelected((s) => (s.size > 0 ? new Set() : new Set(pages.rows.map((r) => r.run.runId))))
            }
            pinned={pinned}
            onTogglePin={togglePinned}
            expanded={expanded}
            onToggleGroup={(key) => setExpanded((s) => toggle(s, key))}
            aggregateMetric={groupRef ? aggregate || null : null}
            groupLabel={groupRef ? columnLabel(groupRef) : null}
            onOpen={openRun}
            now={now}
          />
          <p className="hint muted small">
            Keys: <kbd>j</kbd>/<kbd>k</kbd> move · <kbd>Enter</kbd> open · <kbd>x</kbd> select · <kbd>p</kbd> pin ·
            click a header to sort
          </p>
        </>
      )}
    </div>
  );
}
