import type { PathStep } from '../../domain/lineage/impact.js';
import type { UpstreamChange } from '../../domain/registry/revalidation.js';
import type { RevalidationFlag } from '../../sdk/wire/registry-shapes.js';
import type { WriteScope } from '../unit-of-work.js';

export type { UpstreamChange };

/** Told of upstream changes inside the write that makes them (the registry flags the versions they reach). */
export interface UpstreamChangeHandler {
  upstreamChanged(scope: WriteScope, change: UpstreamChange): Promise<unknown>;
  /** Flags one version whose link to the change is known without a walk (a deployment on a changed target). */
  flagVersion(
    scope: WriteScope,
    input: { modelId: string; version: number; cause: RevalidationFlag['cause']; path: PathStep[] },
  ): Promise<unknown>;
}
