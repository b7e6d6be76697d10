import { createHmac, randomBytes } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { Principal } from '../../domain/access/principal.js';
import { findPrincipalByName, findPrincipalWithTeams } from '../../store/repositories/access/principal-repository.js';
import { findSessionByHash } from '../../store/repositories/access/session-repository.js';
import {
  type AuthenticatedOwner,
  findTokenWithOwner,
  type TokenWithOwner,
  touchToken,
} from '../../store/repositories/access/token-repository.js';
import type { PrincipalsTable } from '../../store/schema-access.js';
import type { Executor, Store } from '../../store/store.js';
import { secretDigest, verifyPassword } from './credentials.js';

export type Authentication = { ok: true; principal: Principal } | { ok: false; reason: string };

/** How often a token's last-used time is written: once a minute is precise enough and keeps reads read-only. */
const LAST_USED_GRANULARITY_MS = 60_000;

/**
 * Turns credentials into a principal. Every check reads the database, so a token revoked, a session ended or a user
 * deactivated on one replica is refused by all of them at once; the same query reads the access generation the
 * principal's role bindings are then checked under (see AccessFactsCache). The only thing remembered in memory is that
 * a given password matched a given stored hash: MLflow clients send the password with every request, and scrypt on
 * each would cost more than the request; a changed password has a new hash and so misses the memory.
 */
export class Authenticator {
  private readonly matchedPasswords = new LRUCache<string, true>({ max: 10_000, ttl: 10 * 60_000 });
  /** When this process last wrote each token's last-used time: a throttle on writes, never a reason to accept one. */
  private readonly touched = new LRUCache<string, number>({ max: 10_000 });
  private readonly cacheKey = randomBytes(32);

  constructor(
    private readonly store: Store,
    private readonly now: () => number,
  ) {}

  async byToken(token: string): Promise<Authentication> {
    return this.tokenAuthentication(await findTokenWithOwner(this.store.db, secretDigest(token)));
  }

  private async tokenAuthentication(found: TokenWithOwner | undefined): Promise<Authentication> {
    if (!found) return { ok: false, reason: 'the token is not known to this server' };
    const { token: row, owner, teamIds, accessGeneration } = found;
    if (row.revoked_time !== null) return { ok: false, reason: `token ${row.token_id} was revoked` };
    const now = this.now();
    if (row.expires_time !== null && Number(row.expires_time) <= now) {
      return { ok: false, reason: `token ${row.token_id} expired` };
    }
    if (owner.active !== 1) return { ok: false, reason: `the account '${owner.name}' is deactivated` };
    if (now - (this.touched.get(row.token_id) ?? 0) >= LAST_USED_GRANULARITY_MS) {
      this.touched.set(row.token_id, now);
      await touchToken(this.store.db, row.token_id, now, LAST_USED_GRANULARITY_MS);
    }
    return {
      ok: true,
      principal: {
        ...principalOf(owner, teamIds, accessGeneration),
        via: 'token',
        scope: row.scope,
        tokenId: row.token_id,
      },
    };
  }

  /** A user name and password, or (as MLflow clients may send) a user name and one of that user's tokens. */
  async byPassword(name: string, password: string): Promise<Authentication> {
    const asToken = await findTokenWithOwner(this.store.db, secretDigest(password));
    if (asToken) {
      const viaToken = await this.tokenAuthentication(asToken);
      if (viaToken.ok && viaToken.principal.name !== name) {
        return { ok: false, reason: `the token does not belong to '${name}'` };
      }
      return viaToken;
    }
    const row = await findPrincipalByName(this.store.db, name);
    if (!(await this.passwordMatches(row, password))) {
      return { ok: false, reason: 'the user name or password is wrong' };
    }
    const principal = await this.activePrincipal((row as PrincipalsTable).principal_id);
    return principal.ok ? { ok: true, principal: { ...principal.principal, via: 'password' } } : principal;
  }

  async bySession(sessionId: string): Promise<Authentication & { csrfToken?: string }> {
    const row = await findSessionByHash(this.store.db, secretDigest(sessionId));
    if (!row || row.revoked_time !== null || Number(row.expires_time) <= this.now()) {
      return { ok: false, reason: 'the session ended; sign in again' };
    }
    const principal = await this.activePrincipal(row.principal_id);
    return principal.ok
      ? { ok: true, principal: { ...principal.principal, via: 'session' }, csrfToken: row.csrf_token }
      : principal;
  }

  /** The principal behind an id, if it still may sign in; read through `db` when asked inside a write. */
  async activePrincipal(principalId: string, db: Executor = this.store.db): Promise<Authentication> {
    const found = await findPrincipalWithTeams(db, principalId);
    if (!found) return { ok: false, reason: 'the account no longer exists' };
    const { row, teamIds, accessGeneration } = found;
    if (row.active !== 1) return { ok: false, reason: `the account '${row.name}' is deactivated` };
    return { ok: true, principal: principalOf(row, teamIds, accessGeneration) };
  }

  private async passwordMatches(row: PrincipalsTable | undefined, password: string): Promise<boolean> {
    const stored = row?.password_hash;
    const key = createHmac('sha256', this.cacheKey)
      .update(`${row?.principal_id ?? ''}\0${stored ?? ''}\0${password}`)
      .digest('base64');
    if (stored && this.matchedPasswords.has(key)) return true;
    const matches = await verifyPassword(password, stored);
    if (matches) this.matchedPasswords.set(key, true);
    return matches;
  }
}

function principalOf(row: AuthenticatedOwner, teamIds: string[], factsGeneration: number): Principal {
  return {
    factsGeneration,
    id: row.principal_id,
    name: row.name,
    kind: row.kind,
    isAdmin: row.is_admin === 1,
    teamIds,
    scope: null,
    via: 'password',
  };
}
