import type { NotificationInput } from '../../domain/notifications/notification.js';
import type { RegistryEvent } from '../../domain/webhooks/registry-event.js';
import type { Executor } from '../../store/store.js';
import type { PrincipalNodeVisibility } from '../access/principal-node-visibility.js';
import type { PromotionGuard } from '../governance/promotion-guard.js';
import type { ServiceDeps } from '../service-deps.js';
import type { WriteScope } from '../unit-of-work.js';

export type RegistryDeps = ServiceDeps & {
  /** Issues the signed attestation of a newly registered version, inside the transaction that registers it. */
  attestModelVersion?: (scope: WriteScope, modelName: string, version: number) => Promise<unknown>;
  /**
   * Stores the events a change makes for webhook delivery, inside the change's transaction: a delivery owed is
   * never lost to a crash between the commit and the send.
   */
  stageEvents?: (scope: WriteScope, events: RegistryEvent[]) => Promise<void>;
  /** Told of each announced change once its transaction committed (wakes delivery). Must not throw or wait. */
  onCommitted?: (event: RegistryEvent) => void;
  /** Checks the policies on a stage or alias before a version is moved onto it (see promotion-guard.ts). */
  promotionGuard?: PromotionGuard;
  /** Stores notifications (inbox, and e-mail when configured) inside the change's transaction. */
  notify?: (scope: WriteScope, input: NotificationInput) => Promise<void>;
  /** Who to notify about a registered model. */
  notificationRecipients?: { managersOfModel(db: Executor, modelId: string): Promise<string[]> };
  /** Which lineage nodes a recipient may not read, so that what they are told does not name them. */
  nodeVisibility?: PrincipalNodeVisibility;
};

/**
 * One transaction with its audit records; every registry change goes through here. `events` names the webhook
 * events the change makes, from what it returns: they are staged in the same transaction and announced after it.
 */
export function registryWrite<T>(
  deps: RegistryDeps,
  change: (scope: WriteScope) => Promise<T>,
  events?: (value: T) => RegistryEvent[],
): Promise<T> {
  if (!events) return deps.unitOfWork.write(change);
  return deps.unitOfWork
    .write(async (scope) => {
      const value = await change(scope);
      await deps.stageEvents?.(scope, events(value));
      return value;
    })
    .then(announced(deps, events));
}

/**
 * Chained after a committed registry write: tells `onCommitted` the events the change made, from what it returned,
 * and passes the value on. A write that failed is never announced,
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
