import type { ReadableSet } from '../../domain/access/readable-set.js';
import { invalid, notFound } from '../../domain/errors.js';
import { type ExperimentProfile, similarityOf, suggestParams } from '../../domain/search/param-suggestions.js';
import type { ParamSuggestions } from '../../sdk/wire/search-shapes.js';
import { hiddenDatasetNames } from '../../store/search/hidden-dataset-names.js';
import { finishedRunsOf, readableExperimentProfiles } from '../../store/search/param-suggestion-sources.js';
import type { ServiceDeps } from '../service-deps.js';

export interface SuggestionOptions {
  metric?: string;
  limit?: number;
  /** The experiments the caller may read: nothing else is compared or proposed. */
  visible: ReadableSet;
  /** The lineage datasets the caller may read: a hidden one is never compared or named. */
  visibleDatasets: ReadableSet;
}

const DEFAULT_LIMIT = 5;
const MAX_LIMIT = 50;

/**
 * Experiment starters: the parameter configurations of the best finished runs of similar past experiments (same
 * datasets, task type or tags), each with its source run, the metric it reached and why it was chosen.
 */
export class ParamSuggestionService {
  constructor(private readonly deps: Pick<ServiceDeps, 'store'>) {}

  /** Starters for an existing experiment, from the other experiments like it. */
  async forExperiment(experimentId: string, options: SuggestionOptions): Promise<ParamSuggestions> {
    const experiments = await this.profiles(options);
    const target = experiments.find((e) => e.experimentId === experimentId);
    if (!target) throw notFound(`No active experiment with id '${experimentId}'`);
    return this.suggest(target.profile, experiments, options, experimentId);
  }

  /** Starters for a new experiment described by its datasets, task type and tags (`key=value`). */
  async forDescription(
    description: { datasets: readonly string[]; taskType?: string; tags: readonly string[] },
    options: SuggestionOptions,
  ): Promise<ParamSuggestions> {
    const tags: Record<string, string> = {};
    for (const tag of description.tags) {
      const at = tag.indexOf('=');
      if (at < 1) throw invalid(`tag '${tag}' must be key=value`);
      tags[tag.slice(0, at)] = tag.slice(at + 1);
    }
    const taskType = description.taskType?.trim() || null;
    if (description.datasets.length === 0 && taskType === null && Object.keys(tags).length === 0) {
      throw invalid('Describe the experiment with at least one dataset, taskType or tag');
    }
    const experiments = await this.profiles(options);
    return this.suggest({ datasets: description.datasets, taskType, tags }, experiments, options);
  }

  /** Readable experiments' profiles, without the datasets the caller may not read. */
  private async profiles(options: SuggestionOptions) {
    const [experiments, hidden] = await Promise.all([
      readableExperimentProfiles(this.deps.store.db, options.visible),
      hiddenDatasetNames(this.deps.store.db, options.visibleDatasets),
    ]);
    if (hidden.size === 0) return experiments;
    return experiments.map((e) => ({
      ...e,
      profile: { ...e.profile, datasets: e.profile.datasets.filter((d) => !hidden.has(d)) },
    }));
  }

  private async suggest(
    target: ExperimentProfile,
    experiments: Awaited<ReturnType<typeof readableExperimentProfiles>>,
    options: SuggestionOptions,
    excludeExperimentId?: string,
  ): Promise<ParamSuggestions> {
    const limit = options.limit ?? DEFAULT_LIMIT;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
      throw invalid(`limit must be between 1 and ${MAX_LIMIT}`);
    }
    // Only similar experiments' runs are read: the rest could not be proposed.
    const similar = experiments.filter(
      (e) => e.experimentId !== excludeExperimentId && similarityOf(target, e.profile).score > 0,
    );
    const runs = await finishedRunsOf(
      this.deps.store.db,
      similar.map((e) => e.experimentId),
    );
    return suggestParams({
      target,
      excludeExperimentId,
      experiments: similar,
      runs,
      ...(options.metric ? { metricKey: options.metric } : {}),
      limit,
    });
  }
}
