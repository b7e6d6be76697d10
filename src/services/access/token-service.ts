import type { TokenScope } from '../../domain/access/access-types.js';
import { principalNameProblem } from '../../domain/access/principal-name.js';
import { invalid, notFound } from '../../domain/errors.js';
import { findPrincipalById } from '../../store/repositories/access/principal-repository.js';
import {
  findTokenById,
  insertTokenRow,
  listTokenRows,
  revokeNamedTokens,
  revokeTokenRow,
} from '../../store/repositories/access/token-repository.js';
import type { ApiTokensTable } from '../../store/schema-access.js';
import type { Store } from '../../store/store.js';
import type { UnitOfWork, WriteScope } from '../unit-of-work.js';
import { tokenAuditState } from './access-audit-states.js';
import { generateToken, randomId, secretDigest } from './credentials.js';
import { requirePrincipal } from './user-service.js';

export interface NewToken {
  user: string;
  name?: string;
  expiresInMs?: number;
  scope?: TokenScope;
}

export interface TokenView {
  id: string;
  user: string;
  name: string;
  scope: TokenScope | null;
  createdTime: number;
  expiresTime: number | null;
  lastUsedTime: number | null;
  revokedTime: number | null;
}

/** API tokens: the secret is returned once, at creation, and only its hash is kept. */
export class TokenService {
  constructor(
    private readonly store: Store,
    private readonly unitOfWork: UnitOfWork,
    private readonly now: () => number,
  ) {}

  async create(input: NewToken): Promise<{ token: string; view: TokenView }> {
    const name = input.name ?? 'token';
    if (principalNameProblem(name)) throw invalid(`'${name.slice(0, 80)}' is not a valid token name`);
    const token = generateToken();
    const row = await this.unitOfWork.write(async (scope) => {
      const owner = await requirePrincipal(scope.db, input.user);
      if (owner.active !== 1) throw invalid(`'${input.user}' is deactivated: it cannot be given tokens`);
      return this.insert(scope, owner.principal_id, name, token, input.scope ?? null, input.expiresInMs);
    });
    return { token, view: { ...toView(row), user: input.user } };
  }

  /**
   * Makes `token` the one token of a principal under `name`, revoking earlier ones so named: the configured admin
   * token replaces the one configured before. Nothing changes when it is already the live one.
   */
  async install(principalId: string, name: string, token: string): Promise<void> {
    await this.unitOfWork.write(async (scope) => {
      const live = (await listTokenRows(scope.db, principalId)).filter(
        (row) => row.name === name && row.revoked_time === null,
      );
      if (live.length === 1 && live[0]?.token_hash === secretDigest(token)) return;
      const now = this.now();
      await revokeNamedTokens(scope.db, principalId, name, now);
      for (const row of live) {
        scope.audit({
          action: 'token.revoke',
          entityKind: 'api_token',
          entityId: row.token_id,
          state: tokenAuditState({ ...row, revoked_time: now }),
        });
      }
      await this.insert(scope, principalId, name, token, null, undefined);
    });
  }

  async list(user?: string): Promise<TokenView[]> {
    const owner = user === undefined ? undefined : await requirePrincipal(this.store.db, user);
    const rows = await listTokenRows(this.store.db, owner?.principal_id);
    const names = new Map<string, string>();
    const views: TokenView[] = [];
    for (const row of rows) {
      if (!names.has(row.principal_id)) {
        names.set(
          row.principal_id,
          (await findPrincipalById(this.store.db, row.principal_id))?.name ?? row.principal_id,
        );
      }
      views.push({ ...toView(row), user: names.get(row.principal_id) ?? row.principal_id });
    }
    return views;
  }

  async get(tokenId: string): Promise<TokenView> {
    const row = await findTokenById(this.store.db, tokenId);
    if (!row) throw notFound(`No token with id '${tokenId}'`);
    const owner = await findPrincipalById(this.store.db, row.principal_id);
    return { ...toView(row), user: owner?.name ?? row.principal_id };
  }

  async revoke(tokenId: string): Promise<TokenView> {
    await this.unitOfWork.write(async (scope) => {
      const row = await findTokenById(scope.db, tokenId);
      if (!row) throw notFound(`No token with id '${tokenId}'`);
      if (row.revoked_time !== null) return;
      const now = this.now();
      await revokeTokenRow(scope.db, tokenId, now);
      scope.audit({
        action: 'token.revoke',
        entityKind: 'api_token',
        entityId: tokenId,
        state: tokenAuditState({ ...row, revoked_time: now }),
      });
    });
    return this.get(tokenId);
  }

  private async insert(
    scope: WriteScope,
    principalId: string,
    name: string,
    token: string,
    tokenScope: TokenScope | null,
    expiresInMs: number | undefined,
  ): Promise<ApiTokensTable> {
    const now = this.now();
    const row: ApiTokensTable = {
      token_id: randomId('tok-'),
      principal_id: principalId,
      name,
      token_hash: secretDigest(token),
      scope: tokenScope,
      created_time: now,
      expires_time: expiresInMs === undefined ? null : now + expiresInMs,
      last_used_time: null,
      revoked_time: null,
    };
    await insertTokenRow(scope.db, row);
    scope.audit({
      action: 'token.create',
      entityKind: 'api_token',
      entityId: row.token_id,
      state: tokenAuditState(row),
    });
    return row;
  }
}

function toView(row: ApiTokensTable): Omit<TokenView, 'user'> {
  return {
    id: row.token_id,
    name: row.name,
    scope: row.scope,
    createdTime: Number(row.created_time),
    expiresTime: row.expires_time === null ? null : Number(row.expires_time),
    lastUsedTime: row.last_used_time === null ? null : Number(row.last_used_time),
    revokedTime: row.revoked_time === null ? null : Number(row.revoked_time),
  };
}
