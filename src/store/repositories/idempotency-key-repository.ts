import type { IdempotencyKeysTable } from '../schema-idempotency.js';
import type { Executor } from '../store.js';

export interface IdempotencyClaim {
  caller: string;
  key: string;
  fingerprint: string;
  now: number;
  /** Keys created before this are expired: forgotten, and free to be claimed again. */
  expiredBefore: number;
}

export type StoredIdempotencyKey = Pick<IdempotencyKeysTable, 'fingerprint' | 'status' | 'content_type' | 'body'>;

export async function findIdempotencyKey(
  db: Executor,
  caller: string,
  key: string,
  expiredBefore: number,
): Promise<StoredIdempotencyKey | undefined> {
  return db
    .selectFrom('idempotency_keys')
    .select(['fingerprint', 'status', 'content_type', 'body'])
    .where('caller', '=', caller)
    .where('idempotency_key', '=', key)
    .where('created_at', '>=', expiredBefore)
    .executeTakeFirst();
}

/**
 * Claims a key inside a write's transaction, removing expired keys first. False when the key is held already: a
 * request with the same key committed in between (on this replica or another), and the write must not apply.
 */
export async function claimIdempotencyKey(db: Executor, claim: IdempotencyClaim): Promise<boolean> {
  await db.deleteFrom('idempotency_keys').where('created_at', '<', claim.expiredBefore).execute();
  const inserted = await db
    .insertInto('idempotency_keys')
    .values({
      caller: claim.caller,
      idempotency_key: claim.key,
      fingerprint: claim.fingerprint,
      created_at: claim.now,
      status: null,
      content_type: null,
      body: null,
    })
    .onConflict((c) => c.columns(['caller', 'idempotency_key']).doNothing())
    .returning('idempotency_key')
    .executeTakeFirst();
  return inserted !== undefined;
}

export async function recordIdempotentAnswer(
  db: Executor,
  caller: string,
  key: string,
  answer: { status: number; contentType: string | null; body: string },
): Promise<void> {
  await db
    .updateTable('idempotency_keys')
    .set({ status: answer.status, content_type: answer.contentType, body: answer.body })
    .where('caller', '=', caller)
    .where('idempotency_key', '=', key)
    .execute();
}
