import { invalid } from '../errors.js';
import type { Run } from './entities.js';
import { validateKey } from './limits.js';

/**
 * What a finished run must carry to count as complete. Requirements are set for the whole server, for a team (the
 * experiments it manages) and for one experiment; a run answers to all that apply to its experiment at once.
 */
export interface RunRequirements {
  /** Params every run must log (`seed`). */
  params: string[];
  /** Evaluation metrics every run must log (`val_auc`). */
  metrics: string[];
  /** At least one dataset logged as an input (MLflow log_inputs, or an OpenLineage input). */
  datasetInput: boolean;
  /**
   * A data-quality check result: the tag `mnemo.data_quality` (passed, failed or warning), or an input dataset
   * version carrying quality checks (OpenLineage dataQualityAssertions).
   */
  dataQualityCheck: boolean;
  /** A negative result must say what was learnt: a note in `mlflow.note.content` (MLflow's run description). */
  negativeResultNote: boolean;
  /** Metric thresholds that make a result negative, beside the tag `mnemo.result=negative`. */
  negativeWhen: NegativeThreshold[];
}

/** A result is negative when the metric's latest value is below `below` or above `above`. */
export interface NegativeThreshold {
  metric: string;
  below?: number | undefined;
  above?: number | undefined;
}

/** One thing a finished run lacks: the field to log (as the filter language names it) and why it is needed. */
export interface MissingItem {
  field: string;
  reason: string;
}

/** How a finished run measured up to its requirements when last written. */
export interface RunCompleteness {
  complete: boolean;
  missing: MissingItem[];
  evaluatedTime: number;
}

export const DATA_QUALITY_TAG = 'mnemo.data_quality';
export const RESULT_TAG = 'mnemo.result';
export const NOTE_TAG = 'mlflow.note.content';
export const DATA_QUALITY_RESULTS = ['passed', 'failed', 'warning'] as const;

const LIST_LIMIT = 100;

export const NO_REQUIREMENTS: RunRequirements = {
  params: [],
  metrics: [],
  datasetInput: false,
  dataQualityCheck: false,
  negativeResultNote: false,
  negativeWhen: [],
};

/** Checks and normalises requirements as a client sent them (lists deduplicated, keys valid, thresholds numbers). */
export function parseRequirements(raw: Partial<RunRequirements>): RunRequirements {
  const params = uniqueKeys(raw.params ?? [], 'params');
  const metrics = uniqueKeys(raw.metrics ?? [], 'metrics');
  const negativeWhen = (raw.negativeWhen ?? []).map((t, i) => {
    validateKey(t.metric, `negativeWhen[${i}].metric`);
    const below = t.below ?? undefined;
    const above = t.above ?? undefined;
    if (below === undefined && above === undefined) {
      throw invalid(`negativeWhen[${i}] must give 'below' or 'above' for metric '${t.metric}'`);
    }
    for (const bound of [below, above]) {
      if (bound !== undefined && !Number.isFinite(bound)) throw invalid(`negativeWhen[${i}] bounds must be numbers`);
    }
    return { metric: t.metric, ...(below === undefined ? {} : { below }), ...(above === undefined ? {} : { above }) };
  });
  if (negativeWhen.length > LIST_LIMIT) throw invalid(`negativeWhen may list at most ${LIST_LIMIT} thresholds`);
  return {
    params,
    metrics,
    datasetInput: raw.datasetInput === true,
    dataQualityCheck: raw.dataQualityCheck === true,
    negativeResultNote: raw.negativeResultNote === true,
    negativeWhen,
  };
}

function uniqueKeys(keys: readonly string[], field: string): string[] {
  if (keys.length > LIST_LIMIT) throw invalid(`${field} may list at most ${LIST_LIMIT} keys`);
  for (const [i, key] of keys.entries()) validateKey(key, `${field}[${i}]`);
  return [...new Set(keys)];
}

/** The requirements of every scope that applies, together: lists joined, any scope's demand is a demand. */
export function combineRequirements(all: readonly RunRequirements[]): RunRequirements {
  return {
    params: [...new Set(all.flatMap((r) => r.params))],
    metrics: [...new Set(all.flatMap((r) => r.metrics))],
    datasetInput: all.some((r) => r.datasetInput),
    dataQualityCheck: all.some((r) => r.dataQualityCheck),
    negativeResultNote: all.some((r) => r.negativeResultNote),
    negativeWhen: all.flatMap((r) => r.negativeWhen),
  };
}

export function hasRequirements(requirements: RunRequirements): boolean {
  return (
    requirements.params.length > 0 ||
    requirements.metrics.length > 0 ||
    requirements.datasetInput ||
    requirements.dataQualityCheck ||
    requirements.negativeResultNote
  );
}

/**
 * Why a run's result is negative, or undefined when it is not: the tag `mnemo.result=negative`, or a metric past
 * one of the thresholds (its latest value, as the run reports it).
 */
export function negativeReason(run: Run, thresholds: readonly NegativeThreshold[]): string | undefined {
  const tag = run.tags.find((t) => t.key === RESULT_TAG)?.value;
  if (tag?.trim().toLowerCase() === 'negative') return `tagged ${RESULT_TAG}=negative`;
  for (const threshold of thresholds) {
    const metric = run.metrics.find((m) => m.key === threshold.metric);
    if (metric === undefined || Number.isNaN(metric.value)) continue;
    if (threshold.below !== undefined && metric.value < threshold.below) {
      return `${threshold.metric} is ${metric.value}, below ${threshold.below}`;
    }
    if (threshold.above !== undefined && metric.value > threshold.above) {
      return `${threshold.metric} is ${metric.value}, above ${threshold.above}`;
    }
  }
  return undefined;
}

/** What the lineage graph knows of a run's inputs beside what the run logged itself. */
export interface LineageInputs {
  /** Dataset versions the run consumed (OpenLineage inputs, registrations naming the run). */
  datasetVersions: number;
  /** How many of those carry data-quality check results (OpenLineage dataQualityAssertions, registered checks). */
  qualityChecked: number;
}

const NO_LINEAGE: LineageInputs = { datasetVersions: 0, qualityChecked: 0 };

/** What a finished run lacks of its requirements, in a fixed order; empty when it is complete. */
export function missingItems(
  run: Run,
  requirements: RunRequirements,
  lineage: LineageInputs = NO_LINEAGE,
): MissingItem[] {
  const missing: MissingItem[] = [];
  const has = (pairs: readonly { key: string; value: string }[], key: string) =>
    pairs.some((p) => p.key === key && p.value.trim() !== '');
  for (const key of requirements.params) {
    if (!has(run.params, key)) missing.push({ field: `params.${key}`, reason: `param '${key}' is required` });
  }
  for (const key of requirements.metrics) {
    if (!run.metrics.some((m) => m.key === key)) {
      missing.push({ field: `metrics.${key}`, reason: `evaluation metric '${key}' is required` });
    }
  }
  if (requirements.datasetInput && run.inputs.length === 0 && lineage.datasetVersions === 0) {
    missing.push({ field: 'inputs', reason: 'a dataset input is required' });
  }
  if (requirements.dataQualityCheck) {
    const result = run.tags
      .find((t) => t.key === DATA_QUALITY_TAG)
      ?.value.trim()
      .toLowerCase();
    if (!DATA_QUALITY_RESULTS.some((r) => r === result) && lineage.qualityChecked === 0) {
      missing.push({
        field: `tags.${DATA_QUALITY_TAG}`,
        reason: `a data-quality check result is required (${DATA_QUALITY_RESULTS.join(', ')})`,
      });
    }
  }
  if (requirements.negativeResultNote && !has(run.tags, NOTE_TAG)) {
    const why = negativeReason(run, requirements.negativeWhen);
    if (why !== undefined) {
      missing.push({ field: `tags.${NOTE_TAG}`, reason: `a note is required because the result is negative (${why})` });
    }
  }
  return missing;
}
