/**
 * "Similar models": registered models that share what they were trained on and what they are, each with why. Pure:
 * the store reads the traits (from the search index: datasets and features come through the versions' runs and
 * lineage), this scores and explains them.
 */

export interface ModelTraits {
  datasets: readonly string[];
  features: readonly string[];
  /** `key=value`. */
  tags: readonly string[];
  taskType: string | null;
  algorithmFamily: string | null;
}

export interface CandidateModel {
  modelId: string;
  name: string;
  traits: ModelTraits;
}

export interface SimilarModel {
  name: string;
  score: number;
  reasons: string[];
}

/** Shared training data says most, then shared features and what the model is, then labels. */
export const MODEL_SIMILARITY_WEIGHTS = {
  dataset: 3,
  feature: 2,
  taskType: 2,
  algorithmFamily: 2,
  tag: 1,
} as const;

function shared(mine: readonly string[], theirs: readonly string[]): string[] {
  const other = new Set(theirs);
  return [...new Set(mine)].filter((v) => other.has(v)).sort();
}

export function modelSimilarity(target: ModelTraits, candidate: ModelTraits): { score: number; reasons: string[] } {
  const w = MODEL_SIMILARITY_WEIGHTS;
  const reasons: string[] = [];
  let score = 0;
  for (const dataset of shared(target.datasets, candidate.datasets)) {
    score += w.dataset;
    reasons.push(`trained on the same dataset '${dataset}'`);
  }
  for (const feature of shared(target.features, candidate.features)) {
    score += w.feature;
    reasons.push(`uses the same feature '${feature}'`);
  }
  if (target.taskType !== null && target.taskType === candidate.taskType) {
    score += w.taskType;
    reasons.push(`same task type '${target.taskType}'`);
  }
  if (target.algorithmFamily !== null && target.algorithmFamily === candidate.algorithmFamily) {
    score += w.algorithmFamily;
    reasons.push(`same algorithm family '${target.algorithmFamily}'`);
  }
  for (const tag of shared(target.tags, candidate.tags)) {
    score += w.tag;
    reasons.push(`shares tag ${tag}`);
  }
  return { score, reasons };
}

/** Models sharing anything with the target, most similar first, ties by name; the target itself is left out. */
export function similarModels(
  target: CandidateModel,
  candidates: readonly CandidateModel[],
  limit: number,
): SimilarModel[] {
  return candidates
    .filter((c) => c.modelId !== target.modelId)
    .map((c) => ({ name: c.name, ...modelSimilarity(target.traits, c.traits) }))
    .filter((s) => s.score > 0)
    .sort((a, b) => b.score - a.score || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .slice(0, limit);
}
