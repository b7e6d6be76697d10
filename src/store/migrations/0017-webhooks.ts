import type { Kysely } from 'kysely';

/** MLflow 3's webhook subscriptions, and the generated keys their signing secrets are sealed with. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('webhooks')
    .addColumn('webhook_id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('events', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('secret', 'text')
    .addColumn('creation_time', 'bigint', (c) => c.notNull())
    .addColumn('last_updated_time', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('webhooks_creation').on('webhooks').columns(['creation_time', 'webhook_id']).execute();

  await db.schema
    .createTable('secret_keys')
    .addColumn('key_id', 'text', (c) => c.primaryKey())
    .addColumn('key_material', 'text', (c) => c.notNull())
    .addColumn('creation_time', 'bigint', (c) => c.notNull())
    .execute();
}
