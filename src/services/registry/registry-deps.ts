import type { ServiceDeps } from '../tracking/service-deps.js';
import { type WriteScope, write } from '../unit-of-work.js';

export type RegistryDeps = ServiceDeps & {
  /** Issues the signed attestation of a newly registered version, inside the transaction that registers it. */
  attestModelVersion?: (scope: WriteScope, modelName: string, version: number) => Promise<unknown>;
};

/** One transaction with its audit records; every registry change goes through here. */
export function registryWrite<T>(deps: RegistryDeps, change: (scope: WriteScope) => Promise<T>): Promise<T> {
  return write(deps.store, deps.audit, change);
}
