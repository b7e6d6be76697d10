import type { UploadLimits } from '../domain/artifacts/upload-limits.js';
import type { EnvironmentSpec } from '../domain/lineage/environment.js';
import type { ArtifactStore } from '../store/artifacts/artifact-store.js';
import type { Store } from '../store/store.js';
import type { SensitiveValues } from './encryption/sensitive-values.js';
import type { UpstreamChangeHandler } from './lineage/upstream-changes.js';
import type { UnitOfWork, WriteScope } from './unit-of-work.js';

/** What services are made with; services that need less take a Pick of it. */
export interface ServiceDeps {
  /** Read from directly; changed only through `unitOfWork`. */
  store: Store;
  artifacts: ArtifactStore;
  /** Every write goes through it, with its audit records, in one transaction. */
  unitOfWork: UnitOfWork;
  now: () => number;
  uploadLimits?: UploadLimits;
  /** Seals sensitive params and tags and opens them for readers; none sealed when absent. */
  sensitive?: SensitiveValues;
}

/** What lineage services need: the store, the unit of work every write goes through, and a clock. */
export type LineageDeps = Pick<ServiceDeps, 'store' | 'unitOfWork' | 'now'> & {
  /** Told of new dataset and feature versions and schema changes, to flag the model versions trained on what they replace. */
  upstreamChanges?: UpstreamChangeHandler;
  /** Told, in the link's transaction, of an environment linked to a run (versions registered from it declare it). */
  runEnvironmentLinked?: (
    scope: WriteScope,
    link: { runId: string; environmentId: string; spec: EnvironmentSpec },
  ) => Promise<void>;
};
