import { invalid } from '../errors.js';

/** What a notification tells its recipient about. */
export const NOTIFICATION_KINDS = [
  /** A transition request awaits the recipient's approval. */
  'approval_requested',
  /** The recipient's own request was approved or rejected. */
  'request_decided',
  /** A promotion policy failed. */
  'policy_failed',
  /** An administrator overrode approvals or policies. */
  'break_glass_used',
  /** A model version in use was flagged for revalidation. */
  'needs_revalidation',
  /** Someone mentioned the recipient in a comment on something the recipient may read. */
  'mentioned',
  /** New results match a saved search the recipient subscribed to. */
  'saved_search_matched',
] as const;

export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

export interface NotificationInput {
  kind: NotificationKind;
  /** Principal ids (users or service accounts). Duplicates are dropped; unknown ids are ignored. */
  recipients: readonly string[];
  /** One line: the inbox title and the e-mail subject. */
  subject: string;
  /** Plain text, a few lines: the inbox text and the e-mail body. */
  body: string;
  /** A UI path the inbox links to, e.g. `/models/fraud/versions/3`. */
  link?: string | undefined;
  /** What it is about (shown in the inbox). */
  resource?: { kind: 'model' | 'experiment' | 'run' | 'dataset'; name: string; version?: number } | undefined;
}

/** One entry of a principal's inbox. */
export interface Notification {
  notificationId: string;
  kind: NotificationKind;
  subject: string;
  body: string;
  link: string | null;
  resource: NotificationInput['resource'] | null;
  creationTime: number;
  readTime: number | null;
}

const MAX_SUBJECT = 500;
const MAX_BODY = 10_000;

/** Checks what a caller inside the server passes (a bug there must fail its write, not store a broken entry). */
export function checkNotification(input: NotificationInput): void {
  if (!NOTIFICATION_KINDS.includes(input.kind)) throw invalid(`Unknown notification kind '${input.kind}'`);
  if (input.subject.trim() === '' || input.subject.length > MAX_SUBJECT || /[\r\n]/.test(input.subject)) {
    throw invalid(`A notification subject is one line of 1-${MAX_SUBJECT} characters`);
  }
  if (input.body.length > MAX_BODY) throw invalid(`A notification body is at most ${MAX_BODY} characters`);
  if (input.link !== undefined && !input.link.startsWith('/')) throw invalid('A notification link is a UI path');
}

/**
 * The text of the e-mail for one notification: its body, then where to see what it is about — a link when the
 * server's public URL is known (`--public-url`), otherwise the page's path in Mnemo's web UI, since an address the
 * server guessed from its own listening socket would mislead anyone behind a proxy.
 */
export function emailText(input: Pick<NotificationInput, 'body' | 'link'>, publicUrl: string | undefined): string {
  if (!input.link) return `${input.body}\n`;
  const where = publicUrl
    ? `${publicUrl.replace(/\/+$/, '')}${input.link}`
    : `Open Mnemo's web UI at ${input.link} to see it.`;
  return `${input.body}\n\n${where}\n`;
}
