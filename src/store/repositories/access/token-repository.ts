import type { ApiTokensTable } from '../../schema-access.js';
import type { Executor } from '../../store.js';

export async function insertTokenRow(db: Executor, row: ApiTokensTable): Promise<void> {
  await db.insertInto('api_tokens').values(row).execute();
}

export async function findTokenByHash(db: Executor, tokenHash: string): Promise<ApiTokensTable | undefined> {
  return db.selectFrom('api_tokens').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
}

export async function findTokenById(db: Executor, tokenId: string): Promise<ApiTokensTable | undefined> {
  return db.selectFrom('api_tokens').selectAll().where('token_id', '=', tokenId).executeTakeFirst();
}

export async function listTokenRows(db: Executor, principalId?: string): Promise<ApiTokensTable[]> {
  let query = db.selectFrom('api_tokens').selectAll();
  if (principalId) query = query.where('principal_id', '=', principalId);
  return query.orderBy('created_time').orderBy('token_id').execute();
}

export async function revokeTokenRow(db: Executor, tokenId: string, at: number): Promise<void> {
  await db
    .updateTable('api_tokens')
    .set({ revoked_time: at })
    .where('token_id', '=', tokenId)
    .where('revoked_time', 'is', null)
    .execute();
}

/** Revokes every live token of a principal with a given name (the configured admin token's predecessors). */
export async function revokeNamedTokens(db: Executor, principalId: string, name: string, at: number): Promise<void> {
  await db
    .updateTable('api_tokens')
    .set({ revoked_time: at })
    .where('principal_id', '=', principalId)
    .where('name', '=', name)
    .where('revoked_time', 'is', null)
    .execute();
}

/** Records use, at most once per `granularityMs` per token, so authenticating does not write on every request. */
export async function touchToken(db: Executor, tokenId: string, at: number, granularityMs: number): Promise<void> {
  await db
    .updateTable('api_tokens')
    .set({ last_used_time: at })
    .where('token_id', '=', tokenId)
    .where((eb) => eb.or([eb('last_used_time', 'is', null), eb('last_used_time', '<', at - granularityMs)]))
    .execute();
}
