/** What a model version declares it needs (see migration 0032). */
export interface ModelVersionDependenciesTable {
  model_id: string;
  version: number;
  document: string;
  origin: string;
  updated_time: number;
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
  target_environment_versions: TargetEnvironmentVersionsTable;
}
