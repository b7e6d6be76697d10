/**
 * Which parts of their story runs and model versions have recorded, mirroring the lineage completeness of a single
 * model version (domain/lineage/completeness.ts) but from facts a dashboard can read for thousands of entities at
 * once: direct records only, no walk of the whole upstream graph.
 */

/** A run's lineage: what it read, which code it ran and in which environment. */
export const RUN_LINEAGE_ASPECTS = ['data', 'code', 'environment'] as const;
export type RunLineageAspect = (typeof RUN_LINEAGE_ASPECTS)[number];

/** A model version's lineage: the run that trained it and the data that run trained on. */
export const VERSION_LINEAGE_ASPECTS = ['source_run', 'training_data'] as const;
export type VersionLineageAspect = (typeof VERSION_LINEAGE_ASPECTS)[number];

/** What the tracking store and the lineage graph hold about one run. */
export interface RunLineageFacts {
  /** A dataset logged as an input (MLflow log_inputs). */
  datasetInput: boolean;
  /** Graph edges into the run node, as `<edge type> <upstream node kind>` (`consumed dataset_version`). */
  upstream: ReadonlySet<string>;
  /** The run carries `mlflow.source.git.commit`, as MLflow clients record it. */
  gitCommit: boolean;
  /** The run carries a tag that says where it executed (`mlflow.docker.*`, `mnemo.environment.*`…). */
  environmentTag: boolean;
}

/**
 * The aspects a run lacks. Data: a logged dataset input, or a dataset or feature version the run consumed in the
 * graph. Code: a code reference it depends on, or the git commit MLflow records. Environment: an environment it
 * depends on, or the tags that say where it executed (as a run's provenance statement reads them).
 */
export function missingRunLineage(facts: RunLineageFacts): RunLineageAspect[] {
  const has: Record<RunLineageAspect, boolean> = {
    data:
      facts.datasetInput ||
      facts.upstream.has('consumed dataset_version') ||
      facts.upstream.has('consumed feature_version'),
    code: facts.gitCommit || facts.upstream.has('depends_on code_ref'),
    environment: facts.environmentTag || facts.upstream.has('depends_on environment'),
  };
  return RUN_LINEAGE_ASPECTS.filter((aspect) => !has[aspect]);
}

export interface VersionLineageFacts {
  /** The version names the run that trained it. */
  sourceRun: boolean;
  /** That run's data aspect is recorded (see missingRunLineage). */
  sourceRunData: boolean;
  /** The version depends on a feature version in the graph: features are training data too. */
  featureDependency: boolean;
}

/** The aspects a model version lacks: a source run, and training data recorded on that run or as features. */
export function missingVersionLineage(facts: VersionLineageFacts): VersionLineageAspect[] {
  const has: Record<VersionLineageAspect, boolean> = {
    source_run: facts.sourceRun,
    training_data: (facts.sourceRun && facts.sourceRunData) || facts.featureDependency,
  };
  return VERSION_LINEAGE_ASPECTS.filter((aspect) => !has[aspect]);
}
