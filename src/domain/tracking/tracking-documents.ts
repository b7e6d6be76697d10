import { type MetadataDocument, withoutEmpty } from '../registry/metadata-document.js';
import type { KeyValue, Run } from './entities.js';

/**
 * The metadata document a `run` schema describes: the run's name, experiment, user and status with its params and
 * tags as objects (`{"params": {"seed": "42"}, "tags": {"team": "fraud"}}`). Params and tags are the run's
 * metadata as model version fields are a version's; metrics are results, not metadata, and are left out. Empty
 * fields are left out, as in the registry's documents, except `params` and `tags`, which are always objects: a
 * schema requiring `params.seed` then names `/params/seed` as missing rather than `/params`.
 */
export function runDocument(run: Run, experimentName: string): MetadataDocument {
  return {
    ...withoutEmpty({
      name: run.info.runName,
      experimentId: run.info.experimentId,
      experimentName,
      userId: run.info.userId,
      status: run.info.status,
    }),
    params: asObject(run.params),
    tags: asObject(run.tags),
  };
}

/** The document an `experiment` schema describes: its name and tags (always an object, as for runs). */
export function experimentDocument(name: string, tags: readonly KeyValue[]): MetadataDocument {
  return { name, tags: asObject(tags) };
}

/** The document a `dataset` schema describes: where it lives (namespace), its name and description. */
export function datasetDocument(dataset: {
  namespace: string;
  name: string;
  description: string | null;
}): MetadataDocument {
  return withoutEmpty({ namespace: dataset.namespace, name: dataset.name, description: dataset.description });
}

function asObject(pairs: readonly KeyValue[]): Record<string, string> {
  return Object.fromEntries(pairs.map((p) => [p.key, p.value]));
}
