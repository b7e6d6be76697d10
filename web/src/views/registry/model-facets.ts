import type { ModelVersion, RegisteredModel } from '../../api/types.js';

export type FacetKey = 'stage' | 'ownerTeam' | 'taskType' | 'algorithmFamily' | 'regulatoryFlags';
export type SelectedFacets = Partial<Record<FacetKey, string[]>>;
const KEYS: FacetKey[] = ['stage', 'ownerTeam', 'taskType', 'algorithmFamily', 'regulatoryFlags'];

/** The values a model has for a facet: a model reaches every stage one of its live versions is in. */
export function facetValues(model: RegisteredModel, versions: readonly ModelVersion[], key: FacetKey): string[] {
  switch (key) {
    case 'stage':
      return [...new Set(versions.map((v) => v.stage).filter((stage) => stage !== 'None'))];
    case 'regulatoryFlags':
      return model.regulatoryFlags;
    default:
      return model[key] ? [model[key]] : [];
  }
}

/** Values selected within a facet widen the match (any of them); facets narrow it (each of them). */
export function matchesFacets(
  model: RegisteredModel,
  versions: readonly ModelVersion[],
  selected: SelectedFacets,
  except?: FacetKey,
): boolean {
  return KEYS.every((key) => {
    const wanted = selected[key];
    if (key === except || !wanted || wanted.length === 0) return true;
    const values = facetValues(model, versions, key);
    return wanted.some((value) => values.includes(value));
  });
}

/**
 * Per facet, each value with how many models would match if it were chosen alongside the other facets' selections
 * (a facet's own selection is left out of its counts, so its other values stay choosable), most frequent first.
 */
export function facetCounts(
  models: readonly RegisteredModel[],
  versionsByModel: ReadonlyMap<string, readonly ModelVersion[]>,
  selected: SelectedFacets,
): Record<FacetKey, { value: string; count: number }[]> {
  const result = {} as Record<FacetKey, { value: string; count: number }[]>;
  for (const key of KEYS) {
    const counts = new Map<string, number>();
    for (const model of models) {
      const versions = versionsByModel.get(model.name) ?? [];
      if (!matchesFacets(model, versions, selected, key)) continue;
      for (const value of facetValues(model, versions, key)) counts.set(value, (counts.get(value) ?? 0) + 1);
    }
    for (const value of selected[key] ?? []) if (!counts.has(value)) counts.set(value, 0);
    result[key] = [...counts]
      .map(([value, count]) => ({ value, count }))
      .sort((a, b) => b.count - a.count || a.value.localeCompare(b.value));
  }
  return result;
}
