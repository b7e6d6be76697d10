import { invalid, notFound } from '../../domain/errors.js';
import { findExperimentRow } from '../../store/repositories/experiment-repository.js';
import { latestLiveMetricTimes, liveRunCounts } from '../../store/repositories/experiment-run-summaries.js';
import { distinctRunKeys, type KeyedRunTable } from '../../store/repositories/run-key-repository.js';
import type { ServiceDeps } from '../service-deps.js';

/** What a browser needs to list experiments at a glance: how many runs, how many still running, when last touched. */
export interface ExperimentActivity {
  experimentId: string;
  runCount: number;
  runningCount: number;
  /** The newest of run start/end times and latest metric timestamps; null for an experiment without runs. */
  lastActivity: number | null;
}

/** The distinct keys logged in an experiment: they feed filter autocomplete and the column picker. */
export interface ExperimentKeys {
  params: string[];
  metrics: string[];
  tags: string[];
}

export const MAX_ACTIVITY_EXPERIMENTS = 1000;
/** Enough for any realistic column picker; an experiment with more distinct keys is truncated, never slow. */
export const MAX_KEYS_PER_KIND = 2000;

/** Read-only summaries over an experiment's runs, computed by the database in a few queries. */
export class ExperimentOverviewService {
  constructor(private readonly deps: ServiceDeps) {}

  async activity(experimentIds: string[]): Promise<ExperimentActivity[]> {
    if (experimentIds.length > MAX_ACTIVITY_EXPERIMENTS) {
      throw invalid(`At most ${MAX_ACTIVITY_EXPERIMENTS} experiment ids per request; got ${experimentIds.length}`);
    }
    const ids = [...new Set(experimentIds)];
    if (ids.length === 0) return [];
    const db = this.deps.store.db;
    const [runRows, metricRows] = await Promise.all([liveRunCounts(db, ids), latestLiveMetricTimes(db, ids)]);
    const byRun = new Map(runRows.map((row) => [row.experiment_id, row]));
    const byMetric = new Map(metricRows.map((row) => [row.experiment_id, row.last_metric]));
    return ids.map((experimentId) => {
      const row = byRun.get(experimentId);
      const times = [row?.last_start, row?.last_end, byMetric.get(experimentId)]
        .map((t) => (t === null || t === undefined ? null : Number(t)))
        .filter((t): t is number => t !== null);
      return {
        experimentId,
        runCount: Number(row?.run_count ?? 0),
        runningCount: Number(row?.running_count ?? 0),
        lastActivity: times.length > 0 ? Math.max(...times) : null,
      };
    });
  }

  async keys(experimentId: string): Promise<ExperimentKeys> {
    const db = this.deps.store.db;
    const experiment = await findExperimentRow(db, experimentId);
    if (!experiment) throw notFound(`Could not find experiment with ID ${experimentId}`);
    const distinctKeys = (table: KeyedRunTable) => distinctRunKeys(db, table, experimentId, MAX_KEYS_PER_KIND);
    const [params, metrics, tags] = await Promise.all([
      distinctKeys('run_params'),
      distinctKeys('latest_metrics'),
      distinctKeys('run_tags'),
    ]);
    return { params, metrics, tags };
  }
}
