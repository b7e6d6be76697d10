import type { Webhook, WebhookStatus } from '../../domain/webhooks/webhook.js';
import type { WebhookEvent } from '../../domain/webhooks/webhook-event.js';
import type { WebhooksTable } from '../schema-webhooks.js';
import type { Executor } from '../store.js';

export async function insertWebhookRow(db: Executor, row: WebhooksTable): Promise<void> {
  await db.insertInto('webhooks').values(row).execute();
}

export async function findWebhookRow(db: Executor, webhookId: string): Promise<WebhooksTable | undefined> {
  return db.selectFrom('webhooks').selectAll().where('webhook_id', '=', webhookId).executeTakeFirst();
}

export async function updateWebhookRow(
  db: Executor,
  webhookId: string,
  changes: Partial<Omit<WebhooksTable, 'webhook_id' | 'creation_time'>>,
): Promise<void> {
  await db.updateTable('webhooks').set(changes).where('webhook_id', '=', webhookId).execute();
}

export async function deleteWebhookRow(db: Executor, webhookId: string): Promise<void> {
  await db.deleteFrom('webhooks').where('webhook_id', '=', webhookId).execute();
}

/** Oldest first, a page at a time; only those `ownerId` owns when given. */
export async function pageWebhookRows(
  db: Executor,
  offset: number,
  limit: number,
  ownerId?: string,
): Promise<WebhooksTable[]> {
  return db
    .selectFrom('webhooks')
    .selectAll()
    .$if(ownerId !== undefined, (q) => q.where('owner_id', '=', ownerId!))
    .orderBy('creation_time')
    .orderBy('webhook_id')
    .offset(offset)
    .limit(limit)
    .execute();
}

/** Every active webhook: deliveries filter them by event (the events are a JSON column). */
export async function activeWebhookRows(db: Executor): Promise<WebhooksTable[]> {
  return db.selectFrom('webhooks').selectAll().where('status', '=', 'ACTIVE').orderBy('webhook_id').execute();
}

export function toWebhook(row: WebhooksTable): Webhook {
  return {
    webhookId: row.webhook_id,
    name: row.name,
    description: row.description,
    url: row.url,
    events: JSON.parse(row.events) as WebhookEvent[],
    status: row.status as WebhookStatus,
    creationTime: Number(row.creation_time),
    lastUpdatedTime: Number(row.last_updated_time),
    ...(row.owner_id ? { ownerId: row.owner_id } : {}),
    ...(row.model_name ? { modelName: row.model_name } : {}),
    ...(row.experiment_id ? { experimentId: row.experiment_id } : {}),
  };
}
