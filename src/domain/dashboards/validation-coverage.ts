/**
 * Validation coverage: of the model versions serving people (in Production, or with an active deployment recorded in
 * the lineage graph), the share validated the way a reviewer expects: fairness checked, evaluated per slice, and
 * approved through a transition request.
 */

/** The slice an evaluation is recorded on when it covers the whole dataset: not a slice evaluation. */
export const OVERALL_SLICE = 'all';

export const VALIDATION_EVIDENCE = ['fairness', 'slice_evaluation', 'approval'] as const;
export type ValidationEvidence = (typeof VALIDATION_EVIDENCE)[number];

/** Why a version counts as serving. */
export type ServingReason = 'production' | 'deployed';

export interface ServingVersion {
  modelName: string;
  version: number;
  /** The registry stage, shown beside the reasons. */
  stage: string;
  reasons: ServingReason[];
  /** At least one fairness check was recorded on the version (passed or not: failures are listed elsewhere). */
  fairness: boolean;
  /** At least one evaluation on a slice other than the whole dataset (`all`). */
  sliceEvaluation: boolean;
  /** A transition request for the version was approved (an override by break-glass is not an approval). */
  approval: boolean;
}

export interface CoveredVersion extends ServingVersion {
  missing: ValidationEvidence[];
}

export interface ValidationCoverage {
  serving: number;
  covered: number;
  /** Null when nothing is serving: no share describes an empty set. */
  share: number | null;
  /** How many serving versions carry each kind of evidence. */
  withEvidence: Record<ValidationEvidence, number>;
  /** Every serving version with what it lacks, least covered first, then by name and version. */
  versions: CoveredVersion[];
}

export function validationCoverage(versions: readonly ServingVersion[]): ValidationCoverage {
  const covered: CoveredVersion[] = versions.map((v) => ({
    ...v,
    missing: VALIDATION_EVIDENCE.filter((evidence) => !has(v, evidence)),
  }));
  covered.sort(
    (a, b) =>
      b.missing.length - a.missing.length ||
      (a.modelName < b.modelName ? -1 : a.modelName > b.modelName ? 1 : 0) ||
      a.version - b.version,
  );
  const withEvidence = Object.fromEntries(
    VALIDATION_EVIDENCE.map((evidence) => [evidence, versions.filter((v) => has(v, evidence)).length]),
  ) as Record<ValidationEvidence, number>;
  const full = covered.filter((v) => v.missing.length === 0).length;
  return {
    serving: versions.length,
    covered: full,
    share: versions.length === 0 ? null : full / versions.length,
    withEvidence,
    versions: covered,
  };
}

function has(version: ServingVersion, evidence: ValidationEvidence): boolean {
  if (evidence === 'fairness') return version.fairness;
  if (evidence === 'slice_evaluation') return version.sliceEvaluation;
  return version.approval;
}
