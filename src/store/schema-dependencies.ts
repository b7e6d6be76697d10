/** What a model version declares it needs (see migration 0032). */
export interface ModelVersionDependenciesTable {
  model_id: string;
  version: number;
  document: string;
  origin: string;
  updated_time: number;
}

/** A version's declaration of a package or runtime, indexed by name (see migration 0051); derived from the document. */
export interface ModelVersionRequirementsTable {
  model_id: string;
  version: number;
  position: number;
  kind: string;
  name: string;
  specifier: string;
  marker: string | null;
}

/** One version of a deployment target's environment. */
export interface TargetEnvironmentVersionsTable {
  target_id: string;
  version: number;
  environment_id: string;
  source_format: string;
  set_time: number;
}

export interface DependenciesDatabase {
  model_version_dependencies: ModelVersionDependenciesTable;
  model_version_requirements: ModelVersionRequirementsTable;
  target_environment_versions: TargetEnvironmentVersionsTable;
}
