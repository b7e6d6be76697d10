import { invalid } from '../../domain/errors.js';
import {
  checkNotification,
  emailText,
  type Notification,
  type NotificationInput,
  type NotificationKind,
} from '../../domain/notifications/notification.js';
import { decodePageToken, encodePageToken } from '../../domain/search/page-token.js';
import {
  countUnread,
  insertEmailRows,
  insertNotificationRows,
  markRead,
  modelManagerIds,
  pageInbox,
  recipientRows,
} from '../../store/repositories/notification-repository.js';
import type { NotificationsTable } from '../../store/schema-notifications.js';
import type { Executor } from '../../store/store.js';
import { newId } from '../ids.js';
import type { ServiceDeps } from '../service-deps.js';
import type { WriteScope } from '../unit-of-work.js';

export interface NotificationOptions {
  /** Whether e-mail is configured (`--smtp-url`): only then are e-mails owed. */
  email: boolean;
  /** The server's public URL, to turn a notification's UI path into a link in its e-mail. */
  publicUrl?: string | undefined;
}

const DEFAULT_PAGE = 50;
const MAX_PAGE = 500;

/**
 * Tells people about what awaits them or concerns them: an inbox entry per recipient, and an e-mail when the server
 * has SMTP configured and the recipient an address. `notify` runs inside the caller's write, so a notification is
 * stored exactly when the change it is about commits; the e-mails go out after the commit, from the outbox, at least
 * once (see EmailDispatcher).
 */
export class NotificationService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly options: NotificationOptions,
  ) {}

  async notify(scope: WriteScope, input: NotificationInput): Promise<void> {
    checkNotification(input);
    const recipients = await recipientRows(scope.db, [...new Set(input.recipients)]);
    if (recipients.length === 0) return;
    const now = this.deps.now();
    const rows: NotificationsTable[] = recipients.map((r) => ({
      notification_id: newId(),
      recipient_id: r.principal_id,
      kind: input.kind,
      subject: input.subject,
      body: input.body,
      link: input.link ?? null,
      resource: input.resource ? JSON.stringify(input.resource) : null,
      created_time: now,
      read_time: null,
    }));
    await insertNotificationRows(scope.db, rows);
    if (!this.options.email) return;
    const text = emailText(input, this.options.publicUrl);
    await insertEmailRows(
      scope.db,
      rows.flatMap((row, i) => {
        const address = recipients[i]!.email;
        if (!address) return [];
        return [
          {
            email_id: newId(),
            notification_id: row.notification_id,
            to_address: address,
            subject: input.subject,
            body: text,
            status: 'PENDING' as const,
            attempts: 0,
            next_attempt_time: now,
            claimed_until: null,
            last_error: null,
            created_time: now,
            sent_time: null,
          },
        ];
      }),
    );
  }

  /** Principal ids holding `manager` on a registered model (directly or through a team), by the model's id. */
  managersOfModel(db: Executor, modelId: string): Promise<string[]> {
    return modelManagerIds(db, modelId);
  }

  async inbox(
    recipientId: string,
    input: { unreadOnly?: boolean | undefined; maxResults?: number | undefined; pageToken?: string | undefined },
  ): Promise<{ notifications: Notification[]; unreadCount: number; nextPageToken?: string }> {
    const limit = input.maxResults ?? DEFAULT_PAGE;
    if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_PAGE) {
      throw invalid(`max_results must be between 1 and ${MAX_PAGE}; got ${limit}`);
    }
    const offset = decodePageToken(input.pageToken);
    const db = this.deps.store.db;
    const [rows, unreadCount] = await Promise.all([
      pageInbox(db, recipientId, { unreadOnly: input.unreadOnly === true, offset, limit: limit + 1 }),
      countUnread(db, recipientId),
    ]);
    const notifications = rows.slice(0, limit).map(toNotification);
    return rows.length > limit
      ? { notifications, unreadCount, nextPageToken: encodePageToken(offset + limit) }
      : { notifications, unreadCount };
  }

  unreadCount(recipientId: string): Promise<number> {
    return countUnread(this.deps.store.db, recipientId);
  }

  /**
   * Marks notifications read (all of the recipient's when `ids` is 'all'); another's ids are ignored. Not audited:
   * whether someone has seen a message is their own bookkeeping, not a change to anything governed.
   */
  async markRead(recipientId: string, ids: readonly string[] | 'all'): Promise<number> {
    return this.deps.unitOfWork.write(({ db }) => markRead(db, recipientId, ids, this.deps.now()));
  }
}

function toNotification(row: NotificationsTable): Notification {
  return {
    notificationId: row.notification_id,
    kind: row.kind as NotificationKind,
    subject: row.subject,
    body: row.body,
    link: row.link,
    resource: row.resource === null ? null : (JSON.parse(row.resource) as Notification['resource']),
    creationTime: Number(row.created_time),
    readTime: row.read_time === null ? null : Number(row.read_time),
  };
}
