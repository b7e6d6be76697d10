import type { FileSpot } from './dependency-file-error.js';

/**
 * What a model version needs. `pypi` specifiers follow PEP 440, `npm` ranges follow node-semver, `runtime` names
 * one of python / cuda (PEP 440 specifiers over their version) or os (a name the target's OS must contain), and
 * `image` pins a container image by digest (`sha256:<hex>`), and `dataset` names the columns a version reads from a
 * dataset (for schema-change impact; an environment does not check it).
 */
export const DEPENDENCY_KINDS = ['pypi', 'npm', 'runtime', 'image', 'dataset'] as const;
export type DependencyKind = (typeof DEPENDENCY_KINDS)[number];

export const RUNTIME_NAMES = ['python', 'cuda', 'os'] as const;
export type RuntimeName = (typeof RUNTIME_NAMES)[number];

export interface DeclaredDependency {
  kind: DependencyKind;
  /** Normalised name: PEP 503 for pypi, as written for npm, python/cuda/os for runtime, `container` for image. */
  name: string;
  /** '' accepts any version. */
  specifier: string;
  /** The columns read, for a `dataset` declaration. */
  columns?: string[];
  /** A PEP 508 environment marker the declaration is conditional on; such declarations are reported, not checked. */
  marker?: string;
  /**
   * Where the declaration came from: a file spot, `api` when declared or corrected through the API, or
   * `run_environment` when read from the environment the version's source run captured.
   */
  source: DeclarationSource;
}

/** The environment captured by a version's source run, as the origin of the declarations read from it. */
export interface RunEnvironmentSource {
  file: 'run_environment';
  line: 0;
  column: 0;
  runId: string;
  environmentId: string;
}

export type DeclarationSource = FileSpot | { file: 'api'; line: 0; column: 0 } | RunEnvironmentSource;

/** Something a reader saw and deliberately did not turn into a dependency (an include, an editable install…). */
export interface SkippedEntry {
  spot: FileSpot;
  text: string;
  why: string;
}

export interface DeclaredDependencies {
  dependencies: DeclaredDependency[];
  skipped: SkippedEntry[];
  /** Set by `--pre` in a requirements file: pre-releases are acceptable candidates for every package. */
  allowPrereleases?: boolean;
  /**
   * What the source run used that the model's files declare otherwise (numpy 1.26.4 against `numpy>=2`): not in
   * force — the files' declaration is — but shown among the conflicts.
   */
  notApplied?: DeclaredDependency[];
}

export const dependencyKey = (d: { kind: DependencyKind; name: string }): string => `${d.kind}:${d.name}`;
