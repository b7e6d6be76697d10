import type { SecretKey } from '../../domain/webhooks/secret-box.js';
import type { ServiceDeps } from '../service-deps.js';
import type { AudienceDeps } from './event-audience.js';
import { SecretKeyRing } from './secret-key-ring.js';
import { DEFAULT_DELIVERY_OPTIONS, type DeliveryOptions, WebhookDispatcher } from './webhook-dispatcher.js';
import { WebhookService } from './webhook-service.js';

export interface WebhookServices {
  subscriptions: WebhookService;
  /** Delivers registry events to subscribed webhooks; the registry tells it of each committed change. */
  dispatcher: WebhookDispatcher;
}

export function createWebhookServices(
  deps: ServiceDeps,
  options: {
    secretKey?: SecretKey | undefined;
    delivery?: Partial<DeliveryOptions> | undefined;
    /** Who may hear of what: events reach a webhook only when its owner may read what they are about. */
    audience?: AudienceDeps;
  },
): WebhookServices {
  const keys = new SecretKeyRing(deps, options.secretKey);
  return {
    subscriptions: new WebhookService(deps, keys, {
      allowPrivateAddresses: options.delivery?.allowPrivateAddresses ?? DEFAULT_DELIVERY_OPTIONS.allowPrivateAddresses,
    }),
    dispatcher: new WebhookDispatcher(deps, keys, options.delivery, options.audience),
  };
}
