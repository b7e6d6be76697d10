import { namedStatement } from '../../named-statements.js';
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
 * What authenticating a Bearer token reads, once per request, in one query: the token's state, its owner and the
 * owner's teams (a round trip each on PostgreSQL, so one instead of three). Only the columns the check uses: this
 * query runs on every authenticated request, and each column is a cost in decoding every reply.
 */
export interface TokenWithOwner {
  token: Pick<ApiTokensTable, 'token_id' | 'scope' | 'expires_time' | 'revoked_time'>;
  owner: AuthenticatedOwner;
  teamIds: string[];
  /** The access generation when the token was read (see access-generation.ts). */
  accessGeneration: number;
}

export type AuthenticatedOwner = Pick<PrincipalsTable, 'principal_id' | 'kind' | 'name' | 'is_admin' | 'active'>;

const tokenWithOwnerRows = namedStatement('mnemo_token_with_owner', (db, tokenHash: string) =>
  db
    .selectFrom('api_tokens as t')
    .innerJoin('principals as p', 'p.principal_id', 't.principal_id')
    .leftJoin('team_members as m', 'm.principal_id', 't.principal_id')
    .select([
      't.token_id',
      't.scope',
      't.expires_time',
      't.revoked_time',
      'p.principal_id',
      'p.kind',
      'p.name',
      'p.is_admin',
      'p.active',
      'm.team_id',
      currentAccessGeneration,
    ])
    .where('t.token_hash', '=', tokenHash),
);

export async function findTokenWithOwner(db: Executor, tokenHash: string): Promise<TokenWithOwner | undefined> {
  const rows = await tokenWithOwnerRows(db, tokenHash);
  const first = rows[0];
  if (!first) return undefined;
  return {
    token: {
      token_id: first.token_id,
      scope: first.scope,
      expires_time: first.expires_time,
      revoked_time: first.revoked_time,
    },
    owner: {
      principal_id: first.principal_id,
      kind: first.kind,
      name: first.name,
      is_admin: first.is_admin,
      active: first.active,
    },
    teamIds: rows.flatMap((row) => (row.team_id === null ? [] : [row.team_id])),
    accessGeneration: Number(first.access_generation),
  };
}
