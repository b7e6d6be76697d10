import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { ApiError, api } from '../api/client.js';
import { queryKeys } from '../api/queries.js';
import { ROLE_FOR, roleAllows, useEffectiveRole } from '../api/session.js';
import { ColumnPicker } from '../components/ColumnPicker.js';
import { ConfirmButton } from '../components/ConfirmButton.js';
import { ExperimentTabs } from '../components/ExperimentTabs.js';
import { FilterBar } from '../components/FilterBar.js';
import { FirstRunHelp } from '../components/FirstRunHelp.js';
import { GroupByControl } from '../components/GroupByControl.js';
import { MilestonesPanel } from '../components/MilestonesPanel.js';
import { OwnersPanel } from '../components/OwnersPanel.js';
import { PinToReport } from '../components/PinToReport.js';
import { RenameControl } from '../components/RenameControl.js';
import { RunsTable } from '../components/RunsTable.js';
import { Empty, ErrorMessage, Loading } from '../components/states.js';
import { type ColumnRef, columnLabel, parseColumnId } from '../lib/columns.js';
import { defaultColumns } from '../lib/default-columns.js';
import { filterFields } from '../lib/filter-suggestions.js';
import { type DisplayRow, flattenGroups, groupRuns } from '../lib/grouping.js';
import { buildRunTree } from '../lib/run-tree.js';
import { runsToCsv } from '../lib/runs-csv.js';
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
  // Live runs, or the deleted ones (MLflow's "deleted" lifecycle filter), which can be restored from here.
  const [lifecycle, setLifecycle] = useQueryState('lifecycle', 'active', push);
  const deleted = lifecycle === 'deleted';
  const [pinnedIds, setPinnedIds] = useQueryList('pin', [], push);
  const [groupBy, setGroupBy] = useQueryState('group', '', push);
  const [aggregate, setAggregate] = useQueryState('agg', '', push);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [expanded, setExpanded] = useState<Set<string>>(new Set());
  const [now, setNow] = useState(Date.now());

  const experiment = useApiQuery(queryKeys.experiment(experimentId), (signal) => api.experiment(experimentId, signal));
  const keys = useApiQuery(queryKeys.experimentKeys(experimentId), (signal) => api.keys(experimentId, signal));
  // Until the user chooses columns, the table shows the experiment's main metrics and params beside the attributes.
  const fallbackColumns = useMemo(() => defaultColumns(keys.data), [keys.data]);
  const [columnIds, setColumnIds] = useQueryList('cols', fallbackColumns, push);
  const [openParents, setOpenParents] = useState<Set<string>>(new Set());
  const orderBy = useMemo(() => [sort, 'attributes.run_id ASC'], [sort]);
  const pages = useRunPages(experimentId, filter, orderBy, deleted);
  const role = useEffectiveRole('experiment', experimentId);
  const mayEdit = roleAllows(role ?? null, 'edit');
  const mayManage = roleAllows(role ?? null, 'manage');
  const client = useQueryClient();
  // A rename, delete or restore changes what the experiment list, this header and the runs tables show.
  const changed = useCallback(async () => {
    await Promise.all([
      client.invalidateQueries({ queryKey: queryKeys.experiment(experimentId) }),
      client.invalidateQueries({ queryKey: queryKeys.experimentList('').slice(0, 1) }),
      client.invalidateQueries({ queryKey: queryKeys.allRunsById() }),
    ]);
  }, [client, experimentId]);

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
    const rest = buildRunTree(
      pages.rows.filter((r) => !pinned.has(r.run.runId)),
      openParents,
    ).map(({ row, tree }) => ({ kind: 'run' as const, row, pinned: false, tree }));
    return [...top, ...rest];
  }, [pages.rows, pinned, groupRef, aggregate, expanded, now, openParents]);

  const toggle = useCallback((set: Set<string>, id: string) => {
    const next = new Set(set);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    return next;
  }, []);
  const toggleSelected = useCallback((id: string) => setSelected((s) => toggle(s, id)), [toggle]);
  const toggleChildren = useCallback((id: string) => setOpenParents((s) => toggle(s, id)), [toggle]);
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
  const selectedNoun = `${selected.size} ${selected.size === 1 ? 'run' : 'runs'}`;
  // Deleting or restoring the selected runs moves them between the two lists; both are read again.
  const changeSelected = async (change: (runId: string) => Promise<unknown>) => {
    try {
      for (const runId of selectedIds) await change(runId);
    } finally {
      setSelected(new Set());
      await Promise.all([
        client.invalidateQueries({ queryKey: queryKeys.experimentRuns(experimentId) }),
        client.invalidateQueries({ queryKey: queryKeys.allRunsById() }),
        client.invalidateQueries({ queryKey: queryKeys.experimentList('').slice(0, 1) }),
      ]);
    }
  };
  const exp = experiment.data?.experiment;
  // Every run the filter matched (all pages, nested ones too, not only the rows in view), in the table's columns.
  const exportCsv = () => {
    const blob = new Blob([runsToCsv(pages.rows, columns, Date.now())], { type: 'text/csv;charset=utf-8' });
    const url = URL.createObjectURL(blob);
    const link = document.createElement('a');
    link.href = url;
    link.download = `${(exp?.name ?? experimentId).replace(/[^\w.-]+/g, '_')}${deleted ? '-deleted' : ''}-runs.csv`;
    link.click();
    setTimeout(() => URL.revokeObjectURL(url), 0);
  };
  const manageReason = `Needs the ${ROLE_FOR.manage} role on this experiment`;

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
          <h1>
            {exp?.name ?? '…'}
            {exp?.lifecycleStage === 'deleted' && (
              <span className="badge badge-deleted" data-testid="experiment-deleted">
                deleted
              </span>
            )}
          </h1>
        </div>
        {exp && (
          <div className="inline-form">
            <RenameControl
              key={exp.name}
              noun="experiment"
              current={exp.name}
              allowed={mayEdit && exp.lifecycleStage === 'active'}
              deniedReason={
                exp.lifecycleStage === 'active'
                  ? `Needs the ${ROLE_FOR.edit} role on this experiment`
                  : 'A deleted experiment cannot be renamed'
              }
              onRename={async (name) => {
                await api.renameExperiment(experimentId, name);
                await changed();
              }}
            />
            {exp.lifecycleStage === 'deleted' ? (
              <ConfirmButton
                label="Restore experiment"
                question="Restore this experiment and its runs?"
                confirmLabel="Restore"
                allowed={mayManage}
                deniedReason={manageReason}
                testId="restore-experiment"
                onConfirm={async () => {
                  await api.restoreExperiment(experimentId);
                  await changed();
                }}
              />
            ) : (
              <ConfirmButton
                label="Delete experiment"
                question="Delete this experiment? It can be restored until it is removed for good."
                confirmLabel="Delete"
                danger
                allowed={mayManage}
                deniedReason={manageReason}
                testId="delete-experiment"
                onConfirm={async () => {
                  await api.deleteExperiment(experimentId);
                  await changed();
                }}
              />
            )}
          </div>
        )}
        <span className="spacer" />
        <span className="muted" data-testid="run-total">
          {pages.rows.length.toLocaleString()} {deleted ? 'deleted ' : ''}
          {pages.rows.length === 1 ? 'run' : 'runs'}
          {pages.loading && pages.rows.length > 0 ? ' (loading more…)' : ''}
        </span>
      </div>
      {/* The panels ask for the experiment's owners and milestones once the experiment itself was read: an
          experiment the user may not read shows one refusal (above), not one per panel. */}
      {exp && (
        <OwnersPanel
          subject={{ kind: 'experiment', experimentId }}
          editable={mayEdit}
          deniedReason={`Needs the ${ROLE_FOR.edit} role on this experiment`}
          onChanged={changed}
        />
      )}
      <ExperimentTabs experimentId={experimentId} />
      {exp && <MilestonesPanel experimentId={experimentId} editable={mayEdit} />}
      <div className="toolbar">
        <select
          aria-label="Runs shown"
          value={deleted ? 'deleted' : 'active'}
          onChange={(event) => {
            setSelected(new Set());
            setLifecycle(event.target.value);
          }}
          data-testid="lifecycle"
        >
          <option value="active">Active runs</option>
          <option value="deleted">Deleted runs</option>
        </select>
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
        {deleted ? (
          <ConfirmButton
            key="restore"
            label={`Restore${selected.size > 0 ? ` (${selected.size})` : ''}`}
            question={`Restore ${selectedNoun}?`}
            confirmLabel="Restore"
            allowed={mayManage}
            deniedReason={manageReason}
            disabled={selected.size < 1}
            testId="restore-runs"
            onConfirm={() => changeSelected(api.restoreRun)}
          />
        ) : (
          <ConfirmButton
            key="delete"
            label={`Delete${selected.size > 0 ? ` (${selected.size})` : ''}`}
            question={`Delete ${selectedNoun}? They stay listed under Deleted runs and can be restored.`}
            confirmLabel="Delete"
            danger
            allowed={mayManage}
            deniedReason={manageReason}
            disabled={selected.size < 1}
            testId="delete-runs"
            onConfirm={() => changeSelected(api.deleteRun)}
          />
        )}
        <button
          type="button"
          disabled={pages.rows.length === 0 || pages.loading}
          title={pages.loading ? 'Waiting for every matching run to load' : 'Download the runs shown as CSV'}
          onClick={exportCsv}
          data-testid="export-csv"
        >
          Export CSV
        </button>
        {mayEdit && <PinToReport experimentId={experimentId} runIds={selectedIds} />}
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
        deleted ? (
          <Empty title="No deleted runs">
            <p>Runs deleted from this experiment are listed here until they are removed for good.</p>
          </Empty>
        ) : filter ? (
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
            onToggleChildren={toggleChildren}
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
