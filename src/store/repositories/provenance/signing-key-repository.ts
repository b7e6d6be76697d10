import type { SigningKeysTable } from '../../schema-provenance.js';
import type { Executor } from '../../store.js';

/** Inserts a key unless it is known; returns whether it was new. */
export async function insertSigningKey(db: Executor, row: SigningKeysTable): Promise<boolean> {
  const result = await db
    .insertInto('signing_keys')
    .values(row)
    .onConflict((oc) => oc.column('key_id').doNothing())
    .executeTakeFirst();
  return (result.numInsertedOrUpdatedRows ?? 0n) > 0n;
}

export async function retireSigningKeys(db: Executor, exceptKeyId: string, time: number): Promise<void> {
  await db
    .updateTable('signing_keys')
    .set({ retired_time: time })
    .where('key_id', '<>', exceptKeyId)
    .where('retired_time', 'is', null)
    .execute();
}

export async function listSigningKeys(db: Executor): Promise<SigningKeysTable[]> {
  return db.selectFrom('signing_keys').selectAll().orderBy('created_time').orderBy('key_id').execute();
}
