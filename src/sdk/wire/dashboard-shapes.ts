import type { RunStatus } from './shapes.js';

/**
 * An experiment's dashboard as `GET /api/v1/experiments/{id}/dashboard` returns it: trends of chosen metrics across
 * runs, runs flagged as anomalies with the numbers that flagged them, failed checks, completeness over time and who
 * started what. Every flag and check names the run (and model version) behind it, so a reader can follow it.
 */
export interface WireExperimentDashboard {
  experimentId: string;
  /** How many earlier finished runs each run is judged against. */
  window: number;
  /** |robust z| above this flags a run. */
  threshold: number;
  /** A run with fewer earlier finished runs than this is not judged. */
  minHistory: number;
  /** The runs the dashboard covers: the newest live runs, at most `maxRuns`. */
  runCount: number;
  maxRuns: number;
  /** True when the experiment has more live runs than `maxRuns`; the oldest are left out. */
  truncated: boolean;
  metrics: WireMetricTrend[];
  anomalies: WireAnomalyFlag[];
  failedChecks: WireFailedCheck[];
  completeness: WireCompletenessDay[];
  /** Per day of creation, the share of ended runs and of model versions with their lineage recorded. */
  lineage: WireLineageTrend;
  /** Of the Production or actively deployed versions, the share with fairness checks, slice evaluations and approval. */
  validationCoverage: WireValidationCoverage;
  runsByUser: WireRunsByUser[];
}

export interface WireMetricTrend {
  key: string;
  /** Each run's latest value of the key, oldest run first. */
  points: { runId: string; runName: string; status: RunStatus; startTime: number; value: number }[];
}

export interface WireAnomalyFlag {
  runId: string;
  runName: string;
  metric: string;
  value: number;
  startTime: number;
  median: number;
  mad: number;
  /** Null when the window's values were all equal and this one differs: no finite score describes it. */
  z: number | null;
  /** What measured the spread: the MAD, the mean absolute deviation when the MAD is 0, or nothing. */
  basis: 'mad' | 'mean_absolute_deviation' | 'none';
  threshold: number;
  /** The earlier runs the median and MAD were taken over. */
  windowRunIds: string[];
}

export interface WireFailedCheck {
  kind: 'fairness' | 'drift' | 'data_quality' | 'completeness';
  name: string;
  runId: string;
  /** The model version the check was recorded on; null for checks of the run itself. */
  modelName: string | null;
  version: number | null;
  checkId: string | null;
  value: number | null;
  threshold: number | null;
  slice: string | null;
  /** What failed, in words: the missing items of an incomplete run, say. */
  detail: string | null;
  /** When the check was recorded; for a run's own checks, when the run started. */
  time: number;
}

export interface WireCompletenessDay {
  /** Start of the UTC day, epoch milliseconds. */
  day: number;
  judged: number;
  complete: number;
  share: number;
}

export interface WireRunsByUser {
  userId: string;
  runs: number;
  finished: number;
  failed: number;
}

/** A run lacks its input data, its code (a code reference or git commit) or its environment. */
export type WireRunLineageAspect = 'data' | 'code' | 'environment';
/** A model version lacks the run that trained it, or the data that run trained on. */
export type WireVersionLineageAspect = 'source_run' | 'training_data';

export interface WireLineageTrend {
  /** Ended runs (finished, failed or killed) per UTC day of their start. */
  runs: WireRunLineageDay[];
  /** Live model versions per UTC day of their registration. */
  versions: WireVersionLineageDay[];
}

export interface WireRunLineageDay {
  day: number;
  judged: number;
  complete: number;
  share: number;
  missingCounts: { data: number; code: number; environment: number };
  /** Every run behind the figure, complete ones with nothing missing. */
  runs: { runId: string; runName: string; experimentId: string; missing: WireRunLineageAspect[] }[];
}

export interface WireVersionLineageDay {
  day: number;
  judged: number;
  complete: number;
  share: number;
  missingCounts: { source_run: number; training_data: number };
  /** Every version behind the figure, complete ones with nothing missing. */
  versions: { modelName: string; version: number; missing: WireVersionLineageAspect[] }[];
}

export type WireValidationEvidence = 'fairness' | 'slice_evaluation' | 'approval';

export interface WireValidationCoverage {
  /** Versions in Production or with an active deployment. */
  serving: number;
  /** Of those, how many carry every kind of evidence. */
  covered: number;
  /** covered / serving; null when nothing serves. */
  share: number | null;
  withEvidence: { fairness: number; slice_evaluation: number; approval: number };
  /** Every serving version and what it lacks, least covered first. */
  versions: {
    modelName: string;
    version: number;
    stage: string;
    reasons: ('production' | 'deployed')[];
    fairness: boolean;
    sliceEvaluation: boolean;
    approval: boolean;
    missing: WireValidationEvidence[];
  }[];
}

/**
 * A team's dashboard as `GET /api/v1/teams/{name}/dashboard` returns it: the experiments the team manages and the
 * registered models it owns, only those the caller may read. Anomalies are judged within each experiment.
 */
export interface WireTeamDashboard {
  team: string;
  window: number;
  threshold: number;
  minHistory: number;
  /** Each experiment covers at most this many of its newest live runs. */
  maxRuns: number;
  /** At most this many experiments are covered, by name; `truncated` says when more were left out. */
  maxExperiments: number;
  truncated: boolean;
  experiments: WireTeamExperiment[];
  models: { name: string; versions: number }[];
  metrics: WireTeamMetricTrend[];
  anomalies: WireTeamAnomalyFlag[];
  failedChecks: WireTeamFailedCheck[];
  completeness: WireCompletenessDay[];
  lineage: WireLineageTrend;
  validationCoverage: WireValidationCoverage;
  runsByUser: WireRunsByUser[];
}

export interface WireTeamExperiment {
  experimentId: string;
  name: string;
  runCount: number;
  /** The experiment has more live runs than the dashboard covers. */
  truncated: boolean;
  anomalies: number;
  failedChecks: number;
}

/** A trend, flag or check on a team's dashboard names the experiment it comes from. */
export interface WireTeamMetricTrend extends WireMetricTrend {
  experimentId: string;
  experimentName: string;
}

export interface WireTeamAnomalyFlag extends WireAnomalyFlag {
  experimentId: string;
  experimentName: string;
}

export interface WireTeamFailedCheck extends WireFailedCheck {
  experimentId: string;
  experimentName: string;
}
