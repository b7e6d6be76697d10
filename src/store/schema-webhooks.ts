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

export interface WebhookDatabase {
  webhooks: WebhooksTable;
  secret_keys: SecretKeysTable;
  webhook_outbox: WebhookOutboxTable;
}
