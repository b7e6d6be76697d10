/** Table shapes of webhook subscriptions and the secret keys their secrets are sealed with. */

export interface WebhooksTable {
  webhook_id: string;
  name: string;
  description: string | null;
  url: string;
  /** JSON array of {entity, action}, in the order the client gave them. */
  events: string;
  status: string;
  /** The signing secret sealed with AES-256-GCM (domain/webhooks/secret-box.ts); null when the webhook has none. */
  secret: string | null;
  creation_time: number;
  last_updated_time: number;
  /** The principal events are filtered for (it must be able to read what an event is about); null: unfiltered. */
  owner_id: string | null;
  /** Only events about this registered model (by name), when set. */
  model_name: string | null;
  /** Only events about this experiment, when set. */
  experiment_id: string | null;
}

/**
 * Keys the server generated for sealing secrets, used when the operator configured none: kept in the database so
 * every replica sharing it seals and opens with the same key without any setting.
 */
export interface SecretKeysTable {
  key_id: string;
  /** The 32 key bytes, base64. */
  key_material: string;
  creation_time: number;
}

/** A registry event owed to webhooks (see migration 0018): the announcement as JSON, and who is delivering it. */
export interface WebhookOutboxTable {
  event_id: string;
  announcement: string;
  created_time: number;
  claimed_until: number | null;
}

export type DeliveryStatus = 'PENDING' | 'SUCCEEDED' | 'FAILED';

/** One event owed to one webhook (migration 0027); its id is the delivery id the receiver sees. */
export interface WebhookDeliveriesTable {
  delivery_id: string;
  webhook_id: string;
  event_id: string;
  /** `MODEL_VERSION.CREATED`. */
  event: string;
  /** The announcement sealed as in the outbox, bound to the delivery id. */
  announcement: string;
  status: DeliveryStatus;
  attempts: number;
  next_attempt_time: number;
  claimed_until: number | null;
  last_status_code: number | null;
  last_error: string | null;
  created_time: number;
  finished_time: number | null;
}

export interface WebhookDeliveryAttemptsTable {
  delivery_id: string;
  attempt: number;
  attempted_time: number;
  status_code: number | null;
  error: string | null;
  duration_ms: number;
}

export interface WebhookDatabase {
  webhooks: WebhooksTable;
  secret_keys: SecretKeysTable;
  webhook_outbox: WebhookOutboxTable;
  webhook_deliveries: WebhookDeliveriesTable;
  webhook_delivery_attempts: WebhookDeliveryAttemptsTable;
}
