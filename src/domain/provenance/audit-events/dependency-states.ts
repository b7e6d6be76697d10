import type { DeclaredDependency, SkippedEntry } from '../../dependencies/declared-dependency.js';

/** What a model version declares, as its audit event records it. */
export interface DeclaredDependenciesState {
  modelId: string;
  version: number;
  /** `files` when read from the model's files, `api` when declared or corrected through the API. */
  origin: 'files' | 'api';
  dependencies: DeclaredDependency[];
  allowPrereleases: boolean;
  /** What the declaration files held that was deliberately not read (older events did not record it). */
  skipped: SkippedEntry[];
  updatedTime: number;
}
