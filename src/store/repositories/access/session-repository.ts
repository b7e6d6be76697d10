import { namedStatement } from '../../named-statements.js';
import type { SessionsTable } from '../../schema-access.js';
import type { Executor } from '../../store.js';

export async function insertSessionRow(db: Executor, row: SessionsTable): Promise<void> {
  await db.insertInto('sessions').values(row).execute();
}

const sessionByHash = namedStatement('mnemo_session_by_hash', (db, sessionHash: string) =>
  db.selectFrom('sessions').selectAll().where('session_hash', '=', sessionHash),
);

export async function findSessionByHash(db: Executor, sessionHash: string): Promise<SessionsTable | undefined> {
  const [row] = await sessionByHash(db, sessionHash);
  return row;
}

export async function revokeSessionRow(db: Executor, sessionHash: string, at: number): Promise<void> {
  await db.updateTable('sessions').set({ revoked_time: at }).where('session_hash', '=', sessionHash).execute();
}

/** Sessions long expired are of no use to anyone: dropped when a new one starts. */
export async function deleteExpiredSessions(db: Executor, before: number): Promise<void> {
  await db.deleteFrom('sessions').where('expires_time', '<', before).execute();
}

/** Ends every session of a principal (deactivation). */
export async function revokeSessionsOf(db: Executor, principalId: string, at: number): Promise<void> {
  await db
    .updateTable('sessions')
    .set({ revoked_time: at })
    .where('principal_id', '=', principalId)
    .where('revoked_time', 'is', null)
    .execute();
}
