import type { ApiTokensTable, PrincipalsTable } from '../../schema-access.js';
import type { Executor } from '../../store.js';
import { currentAccessGeneration } from './access-generation.js';

export async function insertTokenRow(db: Executor, row: ApiTokensTable): Promise<void> {
  await db.insertInto('api_tokens').values(row).execute();
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

/**
 * A token with its owner and the owner's teams, in one query: what authenticating a Bearer token reads, once per
 * request (a round trip each on PostgreSQL, so one instead of three).
 */
export interface TokenWithOwner {
  token: ApiTokensTable;
  owner: PrincipalsTable;
  teamIds: string[];
  /** The access generation when the token was read (see access-generation.ts). */
  accessGeneration: number;
}

export async function findTokenWithOwner(db: Executor, tokenHash: string): Promise<TokenWithOwner | undefined> {
  const rows = await db
    .selectFrom('api_tokens as t')
    .innerJoin('principals as p', 'p.principal_id', 't.principal_id')
    .leftJoin('team_members as m', 'm.principal_id', 't.principal_id')
    .select([
      't.token_id',
      't.principal_id',
      't.name as token_name',
      't.token_hash',
      't.scope',
      't.created_time as token_created_time',
      't.expires_time',
      't.last_used_time',
      't.revoked_time',
      'p.kind',
      'p.name',
      'p.email',
      'p.display_name',
      'p.password_hash',
      'p.is_admin',
      'p.active',
      'p.oidc_subject',
      'p.created_time',
      'p.last_login_time',
      'm.team_id',
      currentAccessGeneration,
    ])
    .where('t.token_hash', '=', tokenHash)
    .execute();
  const first = rows[0];
  if (!first) return undefined;
  return {
    token: {
      token_id: first.token_id,
      principal_id: first.principal_id,
      name: first.token_name,
      token_hash: first.token_hash,
      scope: first.scope,
      created_time: first.token_created_time,
      expires_time: first.expires_time,
      last_used_time: first.last_used_time,
      revoked_time: first.revoked_time,
    },
    owner: {
      principal_id: first.principal_id,
      kind: first.kind,
      name: first.name,
      email: first.email,
      display_name: first.display_name,
      password_hash: first.password_hash,
      is_admin: first.is_admin,
      active: first.active,
      oidc_subject: first.oidc_subject,
      created_time: first.created_time,
      last_login_time: first.last_login_time,
    },
    teamIds: rows.flatMap((row) => (row.team_id === null ? [] : [row.team_id])),
    accessGeneration: Number(first.access_generation),
  };
}
