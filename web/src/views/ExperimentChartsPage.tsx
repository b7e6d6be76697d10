import { useMemo } from 'react';
import { Link, useParams } from 'react-router-dom';
import { ApiError, api } from '../api/client.js';
import { queryKeys } from '../api/queries.js';
import { colorFor } from '../charts/chart-data.js';
import { MetricChartPanel } from '../charts/MetricChartPanel.js';
import { ExperimentTabs } from '../components/ExperimentTabs.js';
import { FilterBar } from '../components/FilterBar.js';
import { Empty, ErrorMessage, Loading } from '../components/states.js';
import { filterFields } from '../lib/filter-suggestions.js';
import { useQueryState } from '../lib/url-state.js';
import { useApiQuery } from '../lib/use-api-query.js';
import { useRunPages } from '../lib/use-run-pages.js';

/** Runs one chart draws: each costs a history request per chart, and beyond this a page of charts grows slow. */
export const MAX_EXPERIMENT_CHARTED_RUNS = 30;
const ORDER_BY = ['attributes.start_time DESC', 'attributes.run_id ASC'];

/**
 * An experiment's metrics charted across its runs (the newest that match the filter), which "Group by" folds into
 * one line per value of a param with the spread of its runs around it.
 */
export function ExperimentChartsPage() {
  const { experimentId = '' } = useParams();
  const [filter, setFilter] = useQueryState('filter', '', { history: 'push' });
  const experiment = useApiQuery(queryKeys.experiment(experimentId), (signal) => api.experiment(experimentId, signal));
  const keys = useApiQuery(queryKeys.experimentKeys(experimentId), (signal) => api.keys(experimentId, signal));
  const pages = useRunPages(experimentId, filter, ORDER_BY);
  const fields = useMemo(() => (keys.data ? filterFields(keys.data) : []), [keys.data]);
  const charted = useMemo(
    () =>
      pages.rows.slice(0, MAX_EXPERIMENT_CHARTED_RUNS).map(({ run }, i) => ({
        runId: run.runId,
        label: run.runName || run.runId,
        color: colorFor(i),
        startTime: run.startTime,
        running: run.status === 'RUNNING',
        params: run.params,
      })),
    [pages.rows],
  );
  const filterError = pages.error instanceof ApiError && pages.error.status === 400 ? pages.error.message : undefined;
  const metricKeys = keys.data?.metrics ?? [];
  const error = experiment.error ?? keys.error ?? (filterError ? undefined : pages.error);

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
        <span className="muted" data-testid="charted-runs">
          {pages.rows.length > charted.length
            ? `The newest ${charted.length} of ${pages.rows.length.toLocaleString()} runs`
            : `${charted.length} ${charted.length === 1 ? 'run' : 'runs'}`}
          {pages.loading && pages.rows.length > 0 ? ' (loading more…)' : ''}
        </span>
      </div>
      <ExperimentTabs experimentId={experimentId} />
      <div className="toolbar">
        <FilterBar value={filter} fields={fields} onApply={setFilter} error={filterError} />
      </div>
      {error ? (
        <ErrorMessage error={error} onRetry={pages.reload} />
      ) : (pages.loading && pages.rows.length === 0) || !keys.data ? (
        <Loading label="Loading runs…" />
      ) : charted.length === 0 ? (
        <Empty title={filter ? 'No run matches this filter' : 'No runs in this experiment yet'} />
      ) : metricKeys.length === 0 ? (
        <Empty title="These runs have no metrics" />
      ) : (
        <MetricChartPanel metricKeys={metricKeys} runs={charted} initiallyShown={4} testId="experiment-charts" />
      )}
    </div>
  );
}
