import type { UpstreamChange } from '../../domain/registry/revalidation.js';
import type { WriteScope } from '../unit-of-work.js';

export type { UpstreamChange };

/** Told of upstream changes inside the write that makes them (the registry flags the versions they reach). */
export interface UpstreamChangeHandler {
  upstreamChanged(scope: WriteScope, change: UpstreamChange): Promise<unknown>;
}
