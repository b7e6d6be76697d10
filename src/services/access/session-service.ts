import { randomBytes } from 'node:crypto';
import { updatePrincipalRow } from '../../store/repositories/access/principal-repository.js';
import {
  deleteExpiredSessions,
  insertSessionRow,
  revokeSessionRow,
} from '../../store/repositories/access/session-repository.js';
import type { Store } from '../../store/store.js';
import { secretDigest } from './credentials.js';

export const SESSION_LIFETIME_MS = 12 * 3_600_000;

export interface StartedSession {
  sessionId: string;
  csrfToken: string;
  expiresTime: number;
}

/**
 * Browser sessions, kept in the database so every replica knows them and a sign-out ends the session everywhere.
 * The cookie holds the session id; the database only its hash.
 */
export class SessionService {
  constructor(
    private readonly store: Store,
    private readonly now: () => number,
  ) {}

  async start(principalId: string): Promise<StartedSession> {
    const now = this.now();
    const sessionId = randomBytes(32).toString('base64url');
    const csrfToken = randomBytes(24).toString('base64url');
    const expiresTime = now + SESSION_LIFETIME_MS;
    await deleteExpiredSessions(this.store.db, now - SESSION_LIFETIME_MS);
    await insertSessionRow(this.store.db, {
      session_hash: secretDigest(sessionId),
      principal_id: principalId,
      csrf_token: csrfToken,
      created_time: now,
      expires_time: expiresTime,
      revoked_time: null,
    });
    await updatePrincipalRow(this.store.db, principalId, { last_login_time: now });
    return { sessionId, csrfToken, expiresTime };
  }

  async end(sessionId: string): Promise<void> {
    await revokeSessionRow(this.store.db, secretDigest(sessionId), this.now());
  }
}
