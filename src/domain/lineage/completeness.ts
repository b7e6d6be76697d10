import type { LineageEdge } from './graph.js';
import type { ReachedNode } from './impact.js';
import type { NodeKind } from './node-id.js';

export const COMPLETENESS_ASPECTS = ['files', 'data', 'code', 'environment', 'features', 'evaluation'] as const;
export type CompletenessAspect = (typeof COMPLETENESS_ASPECTS)[number];

export interface Completeness {
  linked: Record<CompletenessAspect, boolean>;
  missing: CompletenessAspect[];
  /** Share of aspects linked, from 0 to 1. */
  score: number;
}

/** What the registry and the tracking store know about a version beyond its graph edges. */
export interface RecordedOutsideGraph {
  /** Evaluation results or checks were recorded on the version. */
  evaluations: boolean;
  /** The run that produced the version carries `mlflow.source.git.commit`. */
  producerGitCommit: boolean;
  /** The version was registered with files (its manifest vouches for bytes); false for an empty source. */
  files: boolean;
}

/**
 * How much of a model version's story the graph can tell. Data and features count anywhere upstream. Code and
 * environment count only when they belong to the version itself: declared on it, or on the run that produced it
 * (the code of an upstream ETL job says nothing about how the model was built), or a git commit the producing run
 * recorded as MLflow does. Evaluation means some run consumed the version, or results were recorded on it in the
 * registry. Files means the version was registered with its files: one registered from an empty source (as MLflow
 * clients may do) vouches for no bytes. Each aspect weighs the same.
 */
export function lineageCompleteness(
  modelVersionId: string,
  upstream: readonly ReachedNode[],
  outgoing: readonly LineageEdge[],
  recorded: RecordedOutsideGraph,
): Completeness {
  const anywhere = (kind: NodeKind) => upstream.some((r) => r.node.kind === kind);
  const own = (kind: NodeKind) =>
    upstream.some(
      (r) =>
        r.node.kind === kind &&
        r.path.length <= 2 &&
        r.path.every((step, i) => step.type === 'depends_on' || (i === 0 && step.type === 'produced')),
    );
  const linked: Record<CompletenessAspect, boolean> = {
    files: recorded.files,
    data: anywhere('dataset_version'),
    code: own('code_ref') || recorded.producerGitCommit,
    environment: own('environment'),
    features: anywhere('feature_version'),
    evaluation: recorded.evaluations || outgoing.some((e) => e.from === modelVersionId && e.type === 'consumed'),
  };
  const missing = COMPLETENESS_ASPECTS.filter((aspect) => !linked[aspect]);
  const score = Math.round(((COMPLETENESS_ASPECTS.length - missing.length) / COMPLETENESS_ASPECTS.length) * 100) / 100;
  return { linked, missing, score };
}
