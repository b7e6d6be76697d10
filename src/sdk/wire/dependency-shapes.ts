/** Wire shapes of the dependency endpoints, shared by the SDK, the CLI and the UI. */

export interface FileSpotJson {
  /** A file name, `api`, or `run_environment` (then runId and environmentId name the run and its environment). */
  file: string;
  line: number;
  column: number;
  runId?: string;
  environmentId?: string;
}

export interface DeclarationJson {
  kind: 'pypi' | 'npm' | 'runtime' | 'image' | 'dataset';
  name: string;
  specifier: string;
  /** The columns read, for a dataset declaration. */
  columns?: string[];
  marker?: string;
  source: FileSpotJson;
}

export interface DeclaredDependenciesJson {
  model: string;
  version: number;
  origin: 'files' | 'api' | 'run_environment' | null;
  dependencies: DeclarationJson[];
  skipped: { spot: FileSpotJson; text: string; why: string }[];
  allowPrereleases: boolean;
  conflicts: { kind: string; package: string; declarations: { specifier: string; source: FileSpotJson }[] }[];
  updatedTime: number | null;
}

export interface ViolationJson {
  kind: string;
  package: string;
  specifier: string;
  found: string | null;
  why: string;
}

export interface CompatibilityJson {
  model: string;
  version: number;
  target: string;
  compatible: boolean;
  violations: ViolationJson[];
  unchecked: { package: string; specifier: string; marker: string }[];
  conflicts: DeclaredDependenciesJson['conflicts'];
}

/** A version checked against every target that has an environment (at most 50, by name). */
export interface CompatibilityByTargetJson {
  model: string;
  version: number;
  targets: Pick<CompatibilityJson, 'target' | 'compatible' | 'violations' | 'unchecked'>[];
  /** More targets have an environment than were checked. */
  truncated: boolean;
}

export interface TargetEnvironmentJson {
  target: string;
  version: number | null;
  environmentId: string | null;
  environment: {
    os: string;
    runtime: string;
    packages: Record<string, string>;
    hardware: Record<string, string | number>;
    containerImageDigest: string | null;
  } | null;
  setTime: number | null;
}

export interface PackageChangeJson {
  kind?: 'pypi' | 'npm' | 'runtime';
  name: string;
  version: string;
}

export interface WhatIfJson {
  breaks: {
    target: string;
    modelVersion: string;
    model: string;
    version: number;
    violation: ViolationJson;
    newlyBroken: boolean;
  }[];
  targetsChecked: number;
}

export interface ResolutionJson {
  target: string;
  packages: {
    package: string;
    current: string;
    newest: string | null;
    constraints: { modelVersion: string; specifier: string }[];
  }[];
  steps: number;
  gaveUp: { reason: 'steps' | 'time'; atPackage: string } | null;
}

export interface DependentDeploymentJson {
  deploymentId: string;
  target: string;
  installed: string | null;
  installedAffected: boolean;
}

export interface DependentsJson {
  package: { kind: 'pypi' | 'npm'; name: string; specifier: string };
  stage: string | null;
  alias: string | null;
  modelVersions: {
    model: string;
    version: number;
    stage: string;
    declarations: { specifier: string; marker?: string; source: FileSpotJson; affectedWitness: string | null }[];
    deployments: DependentDeploymentJson[];
  }[];
  affectedDeployments: (DependentDeploymentJson & { model: string; version: number })[];
}

export interface SchemaImpactJson {
  dataset: string;
  changes: { column: string; change: 'removed' | 'retyped'; from: string; to: string | null }[];
  affected: { modelVersion: string; changes: SchemaImpactJson['changes'] }[];
}
