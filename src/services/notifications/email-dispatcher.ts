import { setTimeout as sleep } from 'node:timers/promises';
import { claimDueEmails, updateEmailRow } from '../../store/repositories/notification-repository.js';
import type { EmailOutboxTable } from '../../store/schema-notifications.js';
import type { Store } from '../../store/store.js';

/** Sends one e-mail; throws when the SMTP server did not take it. */
export type MailSender = (mail: { to: string; subject: string; text: string }) => Promise<void>;

export interface EmailDeliveryOptions {
  /** Attempts after the first when the SMTP server is unreachable or refuses for now. */
  maxRetries: number;
  backoffMs: number;
  maxBackoffMs: number;
  /** How long a server holds an e-mail it is sending before another may take it over. */
  leaseMs: number;
  pollMs: number;
}

export const DEFAULT_EMAIL_OPTIONS: EmailDeliveryOptions = {
  maxRetries: 5,
  backoffMs: 5_000,
  maxBackoffMs: 10 * 60_000,
  leaseMs: 2 * 60_000,
  pollMs: 10_000,
};

const BATCH = 20;

/**
 * Sends the e-mails notifications owe, from their outbox, after the writes that made them committed: woken after
 * each commit and every `pollMs` (for those of other replicas and of a server that stopped). An e-mail is claimed by
 * one server at a time and marked sent once the SMTP server took it, so it goes out at least once (twice only when a
 * server dies between the SMTP server's answer and marking it sent).
 */
export class EmailDispatcher {
  private readonly options: EmailDeliveryOptions;
  private readonly closing = new AbortController();
  private running: Promise<void> | undefined;
  private again = false;
  private poller: NodeJS.Timeout | undefined;
  private readonly timers = new Set<NodeJS.Timeout>();
  onFailure: (failure: { to: string; subject: string; reason: string }) => void = () => {};

  constructor(
    private readonly deps: { store: Store; now: () => number },
    private readonly send: MailSender,
    options: Partial<EmailDeliveryOptions> = {},
  ) {
    this.options = { ...DEFAULT_EMAIL_OPTIONS, ...options };
  }

  start(): void {
    if (this.poller || this.closing.signal.aborted) return;
    this.wake();
    this.poller = setInterval(() => this.wake(), this.options.pollMs);
    this.poller.unref();
  }

  wake(): void {
    if (this.closing.signal.aborted) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.again = false;
    this.running = this.drain()
      .catch(() => {})
      .finally(() => {
        this.running = undefined;
        if (this.again) this.wake();
      });
  }

  /** Resolves once nothing is being sent and no retry this server scheduled is waiting. */
  async settled(): Promise<void> {
    while (this.running || this.timers.size > 0) {
      if (this.running) await this.running;
      else await sleep(10);
    }
  }

  async close(): Promise<void> {
    this.closing.abort();
    if (this.poller) clearInterval(this.poller);
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    await this.running;
  }

  private async drain(): Promise<void> {
    while (!this.closing.signal.aborted) {
      const now = this.deps.now();
      const batch = await claimDueEmails(this.deps.store.db, now, now + this.options.leaseMs, BATCH);
      if (batch.length === 0) return;
      for (const email of batch) await this.sendOne(email);
    }
  }

  private async sendOne(email: EmailOutboxTable): Promise<void> {
    const attempts = Number(email.attempts) + 1;
    try {
      await this.send({ to: email.to_address, subject: email.subject, text: email.body });
      await updateEmailRow(this.deps.store.db, email.email_id, {
        status: 'SENT',
        attempts,
        sent_time: this.deps.now(),
        last_error: null,
      });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      const retry = attempts <= this.options.maxRetries;
      const wait = Math.min(this.options.maxBackoffMs, this.options.backoffMs * 2 ** (attempts - 1));
      await updateEmailRow(this.deps.store.db, email.email_id, {
        status: retry ? 'PENDING' : 'FAILED',
        attempts,
        next_attempt_time: this.deps.now() + wait,
        last_error: reason.slice(0, 2000),
      });
      if (retry) this.wakeIn(wait);
      else this.onFailure({ to: email.to_address, subject: email.subject, reason });
    }
  }

  private wakeIn(ms: number): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.wake();
    }, ms);
    timer.unref();
    this.timers.add(timer);
  }
}
