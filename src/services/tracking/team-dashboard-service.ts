import { isReadable, type ReadableSet } from '../../domain/access/readable-set.js';
import { MIN_HISTORY } from '../../domain/dashboards/anomaly-flags.js';
import { mergeCompletenessDays } from '../../domain/dashboards/completeness-trend.js';
import type { DashboardOptions } from '../../domain/dashboards/dashboard-options.js';
import { runsByUser } from '../../domain/dashboards/runs-by-user.js';
import { notFound } from '../../domain/errors.js';
import type { WireTeamDashboard } from '../../sdk/wire/dashboard-shapes.js';
import { findTeamByName } from '../../store/repositories/access/team-repository.js';
import {
  type DashboardVersionRow,
  versionKey,
  versionsFromRuns,
  versionsOfModels,
} from '../../store/repositories/dashboard-lineage-repository.js';
import { liveExperimentsManagedBy, modelsOwnedBy } from '../../store/repositories/team-dashboard-repository.js';
import type { ServiceDeps } from '../service-deps.js';
import { type CoveredRun, lineageAndCoverage } from './dashboard-lineage.js';
import { type ExperimentDashboardService, MAX_DASHBOARD_RUNS } from './experiment-dashboard-service.js';

/** Enough experiments for a team page to stay readable and answer in about a second. */
export const MAX_TEAM_EXPERIMENTS = 25;

/**
 * A team's dashboard. A team's experiments are those it manages (holds the manager role on: the same experiments its
 * run requirements apply to); its models are those whose model card names it as owner. Only experiments and models
 * the caller may read contribute anything: a hidden experiment adds no run, flag, check or count.
 */
export class TeamDashboardService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly experimentDashboard: ExperimentDashboardService,
  ) {}

  async dashboard(
    teamName: string,
    options: DashboardOptions,
    visibleExperiments: ReadableSet,
    visibleModels: ReadableSet,
  ): Promise<WireTeamDashboard> {
    const db = this.deps.store.db;
    const team = await findTeamByName(db, teamName);
    if (!team) throw notFound(`Team '${teamName}' does not exist`);

    const readable = (await liveExperimentsManagedBy(db, team.team_id)).filter((e) =>
      isReadable(visibleExperiments, e.experimentId),
    );
    const truncated = readable.length > MAX_TEAM_EXPERIMENTS;
    const experiments = readable.slice(0, MAX_TEAM_EXPERIMENTS);
    const models = (await modelsOwnedBy(db, team.name)).filter((m) => isReadable(visibleModels, m.modelId));

    const result: WireTeamDashboard = {
      team: team.name,
      window: options.window,
      threshold: options.threshold,
      minHistory: MIN_HISTORY,
      maxRuns: MAX_DASHBOARD_RUNS,
      maxExperiments: MAX_TEAM_EXPERIMENTS,
      truncated,
      experiments: [],
      models: [],
      metrics: [],
      anomalies: [],
      failedChecks: [],
      completeness: [],
      lineage: { runs: [], versions: [] },
      validationCoverage: {
        serving: 0,
        covered: 0,
        share: null,
        withEvidence: { fairness: 0, slice_evaluation: 0, approval: 0 },
        versions: [],
      },
      runsByUser: [],
    };
    const runs: (CoveredRun & { userId: string })[] = [];
    const completeness = [];
    // One experiment at a time: each reads up to MAX_DASHBOARD_RUNS runs, and the pool is shared with every request.
    for (const { experimentId, name } of experiments) {
      const { runs: shown, ...one } = await this.experimentDashboard.panels(experimentId, options, visibleModels);
      const from = { experimentId, experimentName: name };
      result.experiments.push({
        experimentId,
        name,
        runCount: one.runCount,
        truncated: one.truncated,
        anomalies: one.anomalies.length,
        failedChecks: one.failedChecks.length,
      });
      result.metrics.push(...one.metrics.map((trend) => ({ ...trend, ...from })));
      result.anomalies.push(...one.anomalies.map((flag) => ({ ...flag, ...from })));
      result.failedChecks.push(...one.failedChecks.map((check) => ({ ...check, ...from })));
      completeness.push(one.completeness);
      runs.push(...shown);
    }
    result.anomalies.sort((a, b) => b.startTime - a.startTime || (a.runId < b.runId ? -1 : 1));
    result.failedChecks.sort((a, b) => b.time - a.time || (a.runId < b.runId ? -1 : 1));
    result.completeness = mergeCompletenessDays(completeness);
    result.runsByUser = runsByUser(runs);

    const ownedVersions = await versionsOfModels(
      db,
      models.map((m) => m.modelId),
    );
    const versions = new Map<string, DashboardVersionRow>();
    for (const v of [
      ...ownedVersions,
      ...(await versionsFromRuns(
        db,
        runs.map((r) => r.runId),
      )),
    ]) {
      versions.set(versionKey(v.modelId, v.version), v);
    }
    const { lineage, validationCoverage } = await lineageAndCoverage(db, runs, [...versions.values()], {
      models: visibleModels,
      experiments: visibleExperiments,
    });
    result.lineage = lineage;
    result.validationCoverage = validationCoverage;
    result.models = models.map((m) => ({
      name: m.name,
      versions: ownedVersions.filter((v) => v.modelId === m.modelId).length,
    }));
    return result;
  }
}
