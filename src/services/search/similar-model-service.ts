import type { ReadableSet } from '../../domain/access/readable-set.js';
import { invalid, notFound } from '../../domain/errors.js';
import { similarModels } from '../../domain/search/similar-models.js';
import type { SimilarModels } from '../../sdk/wire/search-shapes.js';
import { hiddenDatasetNames } from '../../store/search/hidden-dataset-names.js';
import { readableModelTraits } from '../../store/search/model-traits.js';
import type { ServiceDeps } from '../service-deps.js';

const DEFAULT_LIMIT = 10;
const MAX_LIMIT = 50;

/** Registered models like a given one (shared training datasets and features, task type, algorithm, tags). */
export class SimilarModelService {
  constructor(private readonly deps: Pick<ServiceDeps, 'store'>) {}

  /**
   * Only models the caller may read are compared or listed (a restricted one never appears), and datasets it may not
   * read are neither compared nor named.
   */
  async similarTo(
    name: string,
    options: { limit?: number; visible: ReadableSet; visibleDatasets: ReadableSet },
  ): Promise<SimilarModels> {
    const limit = options.limit ?? DEFAULT_LIMIT;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
      throw invalid(`limit must be between 1 and ${MAX_LIMIT}`);
    }
    const [all, hidden] = await Promise.all([
      readableModelTraits(this.deps.store.db, options.visible),
      hiddenDatasetNames(this.deps.store.db, options.visibleDatasets),
    ]);
    const models = all.map((m) => ({
      ...m,
      traits: { ...m.traits, datasets: m.traits.datasets.filter((d) => !hidden.has(d)) },
    }));
    const target = models.find((m) => m.name === name);
    if (!target) throw notFound(`Registered model '${name}' not found`);
    return { models: similarModels(target, models, limit) };
  }
}
