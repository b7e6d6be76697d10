import { sql } from 'kysely';
import type { ReadableSet } from '../../domain/access/readable-set.js';
import type { CandidateModel } from '../../domain/search/similar-models.js';
import type { Executor } from '../store.js';
import { visibilityCondition } from './visibility-condition.js';

/** Facets of a model's and its versions' search documents that similarity compares. */
const TRAIT_FACETS = ['dataset', 'feature', 'tag', 'task_type', 'algorithm_family'] as const;

/**
 * The traits of every registered model the caller may read, read from the discovery index (kept current with each
 * write): its tags, task type and algorithm family, and the datasets and features its versions' runs consumed
 * (logged inputs and lineage). Restricted models are left out in the query.
 */
export async function readableModelTraits(db: Executor, visible: ReadableSet): Promise<CandidateModel[]> {
  const condition = visibilityCondition('m.model_id', visible);
  let query = db
    .selectFrom('registered_models as m')
    .leftJoin('search_documents as d', (join) =>
      join.onRef('d.model_id', '=', 'm.model_id').on('d.entity_type', 'in', ['model', 'model_version']),
    )
    .leftJoin('search_facets as f', (join) =>
      join.onRef('f.doc_id', '=', 'd.doc_id').on('f.facet', 'in', [...TRAIT_FACETS]),
    )
    .select(['m.model_id', 'm.name', 'f.facet', 'f.value'])
    .distinct();
  if (condition) query = query.where(condition);
  const rows = await query.orderBy('m.model_id').orderBy(sql`f.facet`).orderBy(sql`f.value`).execute();
  const byId = new Map<string, { modelId: string; name: string; traits: MutableTraits }>();
  for (const row of rows) {
    let model = byId.get(row.model_id);
    if (!model) {
      model = {
        modelId: row.model_id,
        name: row.name,
        traits: { datasets: [], features: [], tags: [], taskType: null, algorithmFamily: null },
      };
      byId.set(row.model_id, model);
    }
    if (row.value === null) continue;
    if (row.facet === 'dataset') model.traits.datasets.push(row.value);
    else if (row.facet === 'feature') model.traits.features.push(row.value);
    else if (row.facet === 'tag') model.traits.tags.push(row.value);
    else if (row.facet === 'task_type') model.traits.taskType = row.value;
    else if (row.facet === 'algorithm_family') model.traits.algorithmFamily = row.value;
  }
  return [...byId.values()];
}

interface MutableTraits {
  datasets: string[];
  features: string[];
  tags: string[];
  taskType: string | null;
  algorithmFamily: string | null;
}
