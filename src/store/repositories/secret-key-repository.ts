import type { SecretKeysTable } from '../schema-webhooks.js';
import type { Executor } from '../store.js';

export async function findSecretKeyRow(db: Executor, keyId: string): Promise<SecretKeysTable | undefined> {
  return db.selectFrom('secret_keys').selectAll().where('key_id', '=', keyId).executeTakeFirst();
}

/** The generated key new secrets are sealed with: the first one made (there is normally only one). */
export async function firstSecretKeyRow(db: Executor): Promise<SecretKeysTable | undefined> {
  return db
    .selectFrom('secret_keys')
    .selectAll()
    .orderBy('creation_time')
    .orderBy('key_id')
    .limit(1)
    .executeTakeFirst();
}

export async function insertSecretKeyRow(db: Executor, row: SecretKeysTable): Promise<void> {
  await db.insertInto('secret_keys').values(row).execute();
}
