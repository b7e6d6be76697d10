import type { EmailOutboxTable, NotificationsTable } from '../schema-notifications.js';
import type { Executor } from '../store.js';
import { claimDueRows } from './claim-due-rows.js';

export async function insertNotificationRows(db: Executor, rows: NotificationsTable[]): Promise<void> {
  if (rows.length > 0) await db.insertInto('notifications').values(rows).execute();
}

export async function insertEmailRows(db: Executor, rows: EmailOutboxTable[]): Promise<void> {
  if (rows.length > 0) await db.insertInto('email_outbox').values(rows).execute();
}

/** Active principals among `ids`, with their e-mail addresses. */
export async function recipientRows(
  db: Executor,
  ids: readonly string[],
): Promise<{ principal_id: string; email: string | null }[]> {
  if (ids.length === 0) return [];
  return db
    .selectFrom('principals')
    .select(['principal_id', 'email'])
    .where('principal_id', 'in', [...ids])
    .where('active', '=', 1)
    .execute();
}

/**
 * Principals holding `manager` on a registered model: bound to it directly, or through a team bound to it. (Global
 * managers and administrators are told through their own channels; listing every one for every model would drown
 * them.)
 */
export async function modelManagerIds(db: Executor, modelId: string): Promise<string[]> {
  const bindings = await db
    .selectFrom('role_bindings')
    .select(['subject_kind', 'subject_id'])
    .where('resource_kind', '=', 'model')
    .where('resource_id', '=', modelId)
    .where('role', '=', 'manager')
    .execute();
  const direct = bindings.filter((b) => b.subject_kind !== 'team').map((b) => b.subject_id);
  const teams = bindings.filter((b) => b.subject_kind === 'team').map((b) => b.subject_id);
  const members =
    teams.length === 0
      ? []
      : (await db.selectFrom('team_members').select('principal_id').where('team_id', 'in', teams).execute()).map(
          (m) => m.principal_id,
        );
  return [...new Set([...direct, ...members])];
}

export async function pageInbox(
  db: Executor,
  recipientId: string,
  options: { unreadOnly: boolean; offset: number; limit: number },
): Promise<NotificationsTable[]> {
  return db
    .selectFrom('notifications')
    .selectAll()
    .where('recipient_id', '=', recipientId)
    .$if(options.unreadOnly, (q) => q.where('read_time', 'is', null))
    .orderBy('created_time', 'desc')
    .orderBy('notification_id', 'desc')
    .offset(options.offset)
    .limit(options.limit)
    .execute();
}

export async function countUnread(db: Executor, recipientId: string): Promise<number> {
  const row = await db
    .selectFrom('notifications')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('recipient_id', '=', recipientId)
    .where('read_time', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Marks the given (or all) unread notifications of one recipient read; returns how many changed. */
export async function markRead(
  db: Executor,
  recipientId: string,
  ids: readonly string[] | 'all',
  at: number,
): Promise<number> {
  if (ids !== 'all' && ids.length === 0) return 0;
  const result = await db
    .updateTable('notifications')
    .set({ read_time: at })
    .where('recipient_id', '=', recipientId)
    .where('read_time', 'is', null)
    .$if(ids !== 'all', (q) => q.where('notification_id', 'in', ids as string[]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Claims up to `limit` due rows nobody holds, until `until` (see claimDueRows). */
export function claimDueEmails(db: Executor, now: number, until: number, limit: number): Promise<EmailOutboxTable[]> {
  return claimDueRows(db, 'email_outbox', now, until, limit);
}

export async function updateEmailRow(
  db: Executor,
  emailId: string,
  changes: Partial<Omit<EmailOutboxTable, 'email_id'>>,
): Promise<void> {
  await db
    .updateTable('email_outbox')
    .set({ ...changes, claimed_until: null })
    .where('email_id', '=', emailId)
    .execute();
}
