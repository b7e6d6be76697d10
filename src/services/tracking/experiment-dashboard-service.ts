import { isReadable, type ReadableSet } from '../../domain/access/readable-set.js';
import { flagAnomalies, type MetricPoint, MIN_HISTORY } from '../../domain/dashboards/anomaly-flags.js';
import { completenessByDay } from '../../domain/dashboards/completeness-trend.js';
import { type DashboardOptions, MAX_METRICS } from '../../domain/dashboards/dashboard-options.js';
import { runsByUser } from '../../domain/dashboards/runs-by-user.js';
import { notFound } from '../../domain/errors.js';
import { DATA_QUALITY_TAG } from '../../domain/tracking/run-requirements.js';
import type { WireExperimentDashboard, WireFailedCheck, WireMetricTrend } from '../../sdk/wire/dashboard-shapes.js';
import { versionsFromRuns } from '../../store/repositories/dashboard-lineage-repository.js';
import type { DashboardRunRow } from '../../store/repositories/experiment-dashboard-repository.js';
import * as dashboard from '../../store/repositories/experiment-dashboard-repository.js';
import { findExperimentRow } from '../../store/repositories/experiment-repository.js';
import type { ServiceDeps } from '../service-deps.js';
import { lineageAndCoverage } from './dashboard-lineage.js';

/** Enough runs for any trend a person reads; an experiment with more shows its newest and says so. */
export const MAX_DASHBOARD_RUNS = 5000;

/**
 * An experiment's dashboard, computed on the server so the UI, CI and webhooks see the same flags. Every run of a
 * readable experiment is readable; model versions are not, so checks, lineage and validation coverage of versions in
 * models the caller may not read are left out.
 */
export class ExperimentDashboardService {
  constructor(private readonly deps: ServiceDeps) {}

  async dashboard(
    experimentId: string,
    options: DashboardOptions,
    visibleModels: ReadableSet,
  ): Promise<WireExperimentDashboard> {
    const { runs, ...panels } = await this.panels(experimentId, options, visibleModels);
    const { lineage, validationCoverage } = await lineageAndCoverage(
      this.deps.store.db,
      runs,
      await versionsFromRuns(
        this.deps.store.db,
        runs.map((run) => run.runId),
      ),
      // Every version here came from a run of this experiment, which the caller reads.
      { models: visibleModels, experiments: { kind: 'only', ids: [experimentId] } },
    );
    return { ...panels, lineage, validationCoverage };
  }

  /**
   * Everything but lineage and validation coverage, with the runs covered: a team's dashboard judges those over all
   * its experiments' runs and models at once, so it takes the rest from here.
   */
  async panels(
    experimentId: string,
    options: DashboardOptions,
    visibleModels: ReadableSet,
  ): Promise<
    Omit<WireExperimentDashboard, 'lineage' | 'validationCoverage'> & {
      runs: (DashboardRunRow & { experimentId: string })[];
    }
  > {
    const db = this.deps.store.db;
    const experiment = await findExperimentRow(db, experimentId);
    if (!experiment) throw notFound(`Could not find experiment with ID ${experimentId}`);

    const fetched = await dashboard.newestLiveRuns(db, experimentId, MAX_DASHBOARD_RUNS + 1);
    const truncated = fetched.length > MAX_DASHBOARD_RUNS;
    const runs = fetched.slice(0, MAX_DASHBOARD_RUNS);
    // Runs sharing the oldest shown start time may number more than fit; reads below keep only the runs shown.
    const since = runs.at(-1)?.startTime ?? 0;
    const byId = new Map(runs.map((run) => [run.runId, run]));

    const keys =
      options.metrics.length > 0
        ? options.metrics
        : await dashboard.mostLoggedMetricKeys(db, experimentId, since, MAX_METRICS);
    const [values, marks, dataQuality, versionChecks] = await Promise.all([
      dashboard.latestValues(db, experimentId, since, keys),
      dashboard.completenessMarks(db, experimentId, since),
      dashboard.runsTagged(db, experimentId, since, DATA_QUALITY_TAG, ['failed']),
      dashboard.failedVersionChecks(db, experimentId, since),
    ]);

    const metrics: WireMetricTrend[] = keys.map((key) => ({ key, points: [] }));
    const trendOf = new Map(metrics.map((trend) => [trend.key, trend]));
    for (const { runId, key, value } of values) {
      const run = byId.get(runId);
      if (!run || !Number.isFinite(value)) continue;
      trendOf
        .get(key)
        ?.points.push({ runId, runName: run.runName, status: run.status, startTime: run.startTime, value });
    }
    for (const trend of metrics) {
      trend.points.sort((a, b) => a.startTime - b.startTime || (a.runId < b.runId ? -1 : 1));
    }

    const anomalyOptions = { window: options.window, threshold: options.threshold, minHistory: MIN_HISTORY };
    const anomalies = metrics.flatMap((trend) => {
      const points: MetricPoint[] = trend.points.map((p) => ({ ...p, finished: p.status === 'FINISHED' }));
      return flagAnomalies(trend.key, points, anomalyOptions).map((flag) => ({
        runId: flag.runId,
        runName: byId.get(flag.runId)!.runName,
        metric: flag.metric,
        value: flag.value,
        startTime: flag.startTime,
        median: flag.median,
        mad: flag.mad,
        z: flag.z,
        basis: flag.basis,
        threshold: flag.threshold,
        windowRunIds: flag.windowRunIds,
      }));
    });
    anomalies.sort(
      (a, b) => b.startTime - a.startTime || (a.runId < b.runId ? -1 : 1) || (a.metric < b.metric ? -1 : 1),
    );

    const failedChecks: WireFailedCheck[] = [];
    for (const check of versionChecks) {
      if (!byId.has(check.runId) || !isReadable(visibleModels, check.modelId)) continue;
      failedChecks.push({
        kind: check.kind === 'fairness' ? 'fairness' : 'drift',
        name: check.name,
        runId: check.runId,
        modelName: check.modelName,
        version: check.version,
        checkId: check.checkId,
        value: check.value,
        threshold: check.threshold,
        slice: check.slice,
        detail: null,
        time: check.recordedTime,
      });
    }
    const runCheck = (kind: 'data_quality' | 'completeness', runId: string, name: string, detail: string | null) => {
      const run = byId.get(runId);
      if (!run) return;
      failedChecks.push({
        kind,
        name,
        runId,
        modelName: null,
        version: null,
        checkId: null,
        value: null,
        threshold: null,
        slice: null,
        detail,
        time: run.startTime,
      });
    };
    for (const tagged of dataQuality) runCheck('data_quality', tagged.runId, DATA_QUALITY_TAG, tagged.value);
    for (const mark of marks) {
      if (mark.complete) continue;
      const detail = mark.missing.map((m) => `${m.field}: ${m.reason}`).join('; ');
      runCheck('completeness', mark.runId, 'attributes.complete', detail || null);
    }
    failedChecks.sort((a, b) => b.time - a.time || (a.runId < b.runId ? -1 : a.runId > b.runId ? 1 : 0));

    const completeness = completenessByDay(
      marks.flatMap((mark) => {
        const run = byId.get(mark.runId);
        return run ? [{ startTime: run.startTime, complete: mark.complete }] : [];
      }),
    );

    return {
      experimentId,
      window: options.window,
      threshold: options.threshold,
      minHistory: MIN_HISTORY,
      runCount: runs.length,
      maxRuns: MAX_DASHBOARD_RUNS,
      truncated,
      metrics,
      anomalies,
      failedChecks,
      completeness,
      runsByUser: runsByUser(runs),
      runs: runs.map((run) => ({ ...run, experimentId })),
    };
  }
}
