import type { DeclaredDependency, SkippedEntry } from '../../dependencies/declared-dependency.js';

/** What a model version declares, as its audit event records it. */
export interface DeclaredDependenciesState {
  modelId: string;
  version: number;
  /**
   * `files` when read from the model's files (and what its run's environment added), `run_environment` when only the
   * run's environment said anything, `api` when declared or corrected through the API.
   */
  origin: 'files' | 'api' | 'run_environment';
  dependencies: DeclaredDependency[];
  allowPrereleases: boolean;
  /** What the declaration files held that was deliberately not read (older events did not record it). */
  skipped: SkippedEntry[];
  /** What the source run used that the files declare otherwise (older events did not record it). */
  notApplied: DeclaredDependency[];
  updatedTime: number;
}
