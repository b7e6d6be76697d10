/** Table shapes of the notification inbox and the e-mails owed for it (migration 0027). */

export interface NotificationsTable {
  notification_id: string;
  recipient_id: string;
  kind: string;
  subject: string;
  body: string;
  link: string | null;
  /** JSON {kind, name, version?} of what it is about; null when about nothing in particular. */
  resource: string | null;
  created_time: number;
  read_time: number | null;
}

export type EmailStatus = 'PENDING' | 'SENT' | 'FAILED';

export interface EmailOutboxTable {
  email_id: string;
  notification_id: string;
  to_address: string;
  subject: string;
  body: string;
  status: EmailStatus;
  attempts: number;
  next_attempt_time: number;
  claimed_until: number | null;
  last_error: string | null;
  created_time: number;
  sent_time: number | null;
}

export interface NotificationDatabase {
  notifications: NotificationsTable;
  email_outbox: EmailOutboxTable;
}
