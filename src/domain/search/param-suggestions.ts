/**
 * Experiment starters: which past runs' parameters to propose for a new (or current) experiment. Pure: the store
 * gathers what the caller may read, this decides what is similar, which run of each experiment is best, and why.
 */

/** What makes experiments comparable: datasets their runs read, a task type and tags. */
export interface ExperimentProfile {
  /** Names of the datasets the experiment's runs logged as inputs. */
  datasets: readonly string[];
  /** The experiment's `task_type` tag, when set. */
  taskType: string | null;
  tags: Readonly<Record<string, string>>;
}

export interface CandidateExperiment {
  experimentId: string;
  name: string;
  profile: ExperimentProfile;
}

export interface CandidateRun {
  runId: string;
  runName: string;
  experimentId: string;
  params: Readonly<Record<string, string>>;
  /** Latest value per metric key. */
  metrics: Readonly<Record<string, number>>;
}

export interface ParamSuggestion {
  runId: string;
  runName: string;
  experimentId: string;
  experimentName: string;
  params: Record<string, string>;
  metric: { key: string; value: number; higherIsBetter: boolean };
  similarity: number;
  reasons: string[];
}

/** How much each kind of shared trait counts: the same data says more than the same label. */
export const SIMILARITY_WEIGHTS = { dataset: 3, taskType: 2, tag: 1 } as const;

/** Tags that describe a run's bookkeeping, not what the experiment is about. */
const IGNORED_TAG_PREFIX = 'mnemo.';
const LOWER_IS_BETTER = /(loss|error|err|rmse|mse|mae|mape|perplexity|latency|duration|time)$/i;

/** Losses and errors are minimized; anything else (accuracy, auc, f1, r2…) is maximized. */
export function higherIsBetter(metricKey: string): boolean {
  const last = metricKey.split(/[._/-]/).pop() ?? metricKey;
  return !LOWER_IS_BETTER.test(last);
}

/** Similarity of a candidate to the target, with one reason per shared trait (none shared: 0 and no reasons). */
export function similarityOf(
  target: ExperimentProfile,
  candidate: ExperimentProfile,
): { score: number; reasons: string[] } {
  const reasons: string[] = [];
  let score = 0;
  for (const dataset of [...new Set(target.datasets)].sort()) {
    if (candidate.datasets.includes(dataset)) {
      score += SIMILARITY_WEIGHTS.dataset;
      reasons.push(`trained on the same dataset '${dataset}'`);
    }
  }
  if (target.taskType !== null && target.taskType === candidate.taskType) {
    score += SIMILARITY_WEIGHTS.taskType;
    reasons.push(`same task type '${target.taskType}'`);
  }
  for (const key of Object.keys(target.tags).sort()) {
    if (key.startsWith(IGNORED_TAG_PREFIX) || key === 'task_type') continue;
    if (candidate.tags[key] === target.tags[key]) {
      score += SIMILARITY_WEIGHTS.tag;
      reasons.push(`shares tag ${key}=${target.tags[key]}`);
    }
  }
  return { score, reasons };
}

/**
 * The metric to rank by when none is asked for: the key reported by runs of the most similar experiments (counted
 * once per experiment), ties broken by name so the answer does not depend on row order.
 */
export function defaultMetric(similar: readonly string[], runs: readonly CandidateRun[]): string | null {
  const experimentsWith = new Map<string, Set<string>>();
  for (const run of runs) {
    if (!similar.includes(run.experimentId)) continue;
    for (const key of Object.keys(run.metrics)) {
      const seen = experimentsWith.get(key) ?? new Set<string>();
      seen.add(run.experimentId);
      experimentsWith.set(key, seen);
    }
  }
  let best: string | null = null;
  let bestCount = 0;
  for (const [key, experiments] of [...experimentsWith].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (experiments.size > bestCount) {
      best = key;
      bestCount = experiments.size;
    }
  }
  return best;
}

/**
 * The best run (by `metricKey`) of each similar experiment that has params, most similar experiment first, then
 * better metric; an identical param configuration is proposed once (where it ranks first). `excludeExperimentId`
 * leaves out the experiment asking for starters.
 */
export function suggestParams(input: {
  target: ExperimentProfile;
  excludeExperimentId?: string;
  experiments: readonly CandidateExperiment[];
  runs: readonly CandidateRun[];
  metricKey?: string;
  limit: number;
}): { metricKey: string | null; suggestions: ParamSuggestion[] } {
  const similar = new Map<string, { experiment: CandidateExperiment; score: number; reasons: string[] }>();
  for (const experiment of input.experiments) {
    if (experiment.experimentId === input.excludeExperimentId) continue;
    const { score, reasons } = similarityOf(input.target, experiment.profile);
    if (score > 0) similar.set(experiment.experimentId, { experiment, score, reasons });
  }
  const withParams = input.runs.filter((run) => Object.keys(run.params).length > 0);
  const metricKey = input.metricKey ?? defaultMetric([...similar.keys()], withParams);
  if (metricKey === null) return { metricKey, suggestions: [] };
  const higher = higherIsBetter(metricKey);
  const better = (a: number, b: number) => (higher ? a > b : a < b);

  const bestOf = new Map<string, { run: CandidateRun; value: number; count: number }>();
  for (const run of withParams) {
    const value = run.metrics[metricKey];
    if (value === undefined || !Number.isFinite(value) || !similar.has(run.experimentId)) continue;
    const current = bestOf.get(run.experimentId);
    const count = (current?.count ?? 0) + 1;
    if (!current || better(value, current.value) || (value === current.value && run.runId < current.run.runId)) {
      bestOf.set(run.experimentId, { run, value, count });
    } else {
      current.count = count;
    }
  }

  const ranked = [...bestOf.values()]
    .map(({ run, value, count }) => {
      const match = similar.get(run.experimentId) as NonNullable<ReturnType<typeof similar.get>>;
      return {
        runId: run.runId,
        runName: run.runName,
        experimentId: run.experimentId,
        experimentName: match.experiment.name,
        params: { ...run.params },
        metric: { key: metricKey, value, higherIsBetter: higher },
        similarity: match.score,
        reasons: [
          ...match.reasons,
          `best ${metricKey} (${value}, ${higher ? 'highest' : 'lowest'}) of ${count} run${count === 1 ? '' : 's'} ` +
            `in experiment '${match.experiment.name}'`,
        ],
      } satisfies ParamSuggestion;
    })
    .sort(
      (a, b) =>
        b.similarity - a.similarity ||
        (a.metric.value === b.metric.value ? 0 : better(a.metric.value, b.metric.value) ? -1 : 1) ||
        (a.runId < b.runId ? -1 : 1),
    );

  const seen = new Set<string>();
  const suggestions: ParamSuggestion[] = [];
  for (const suggestion of ranked) {
    const config = JSON.stringify(Object.entries(suggestion.params).sort(([a], [b]) => (a < b ? -1 : 1)));
    if (seen.has(config)) continue;
    seen.add(config);
    suggestions.push(suggestion);
    if (suggestions.length >= input.limit) break;
  }
  return { metricKey, suggestions };
}
