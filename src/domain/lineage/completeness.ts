import type { LineageEdge } from './graph.js';
import type { NodeKind } from './node-id.js';

export const COMPLETENESS_ASPECTS = ['data', 'code', 'environment', 'features', 'evaluation'] as const;
export type CompletenessAspect = (typeof COMPLETENESS_ASPECTS)[number];

export interface Completeness {
  linked: Record<CompletenessAspect, boolean>;
  missing: CompletenessAspect[];
  /** Share of aspects linked, from 0 to 1. */
  score: number;
}

/**
 * How much of a model version's story the graph can tell: whether its upstream holds data, code, an environment and
 * features, and whether some run consumed the version afterwards (its evaluation). Each aspect weighs the same.
 */
export function lineageCompleteness(
  modelVersionId: string,
  upstreamKinds: ReadonlySet<NodeKind>,
  outgoing: readonly LineageEdge[],
): Completeness {
  const linked: Record<CompletenessAspect, boolean> = {
    data: upstreamKinds.has('dataset_version'),
    code: upstreamKinds.has('code_ref'),
    environment: upstreamKinds.has('environment'),
    features: upstreamKinds.has('feature_version'),
    evaluation: outgoing.some((e) => e.from === modelVersionId && e.type === 'consumed'),
  };
  const missing = COMPLETENESS_ASPECTS.filter((aspect) => !linked[aspect]);
  const score = Math.round(((COMPLETENESS_ASPECTS.length - missing.length) / COMPLETENESS_ASPECTS.length) * 100) / 100;
  return { linked, missing, score };
}
