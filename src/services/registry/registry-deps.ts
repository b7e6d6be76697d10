import type { RegistryEvent } from '../../domain/webhooks/registry-event.js';
import type { ServiceDeps } from '../tracking/service-deps.js';
import { type WriteScope, write } from '../unit-of-work.js';

export type RegistryDeps = ServiceDeps & {
  /** Issues the signed attestation of a newly registered version, inside the transaction that registers it. */
  attestModelVersion?: (scope: WriteScope, modelName: string, version: number) => Promise<unknown>;
  /** Told of each announced change once its transaction committed (webhook delivery). Must not throw or wait. */
  onCommitted?: (event: RegistryEvent) => void;
};

/** One transaction with its audit records; every registry change goes through here. */
export function registryWrite<T>(deps: RegistryDeps, change: (scope: WriteScope) => Promise<T>): Promise<T> {
  return write(deps.store, deps.audit, change);
}

/**
 * Chained after a committed registry write (`registryWrite(...).then(announced(deps, ...))`): tells `onCommitted` the
 * events the change made, from what it returned, and passes the value on. A write that failed is never announced,
 * and announcing can neither delay nor fail the change.
 */
export function announced<T>(deps: RegistryDeps, events: (value: T) => RegistryEvent[]): (value: T) => T {
  return (value) => {
    if (deps.onCommitted) {
      try {
        for (const event of events(value)) deps.onCommitted(event);
      } catch {
        // Best effort by design: the change is committed and its client must hear so.
      }
    }
    return value;
  };
}
