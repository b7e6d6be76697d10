import { setTimeout as sleep } from 'node:timers/promises';
import { type Announcement, announcementOf } from '../../domain/webhooks/payloads.js';
import type { RegistryEvent } from '../../domain/webhooks/registry-event.js';
import { eventKey, subscribes } from '../../domain/webhooks/webhook-event.js';
import { activeWebhookRows, findWebhookRow } from '../../store/repositories/webhook-repository.js';
import type { WebhooksTable } from '../../store/schema-webhooks.js';
import type { Store } from '../../store/store.js';
import { checkAgainstAudit } from './recorded-webhooks.js';
import type { SecretKeyRing } from './secret-key-ring.js';
import { type AttemptResult, sendDelivery } from './webhook-sender.js';

export interface DeliveryOptions {
  /** How long one attempt may take, the receiver's answer included. */
  timeoutMs: number;
  /** Attempts after the first when the receiver is unreachable, times out, or answers 408, 429 or 5xx. */
  maxRetries: number;
  /** Wait before the first retry; each later one waits twice as long (or as the receiver's Retry-After asks). */
  backoffMs: number;
  maxBackoffMs: number;
  /** Deliveries sent at once; more wait their turn. */
  maxInFlight: number;
  /** Deliveries waiting or retrying at once; announcements beyond it are dropped and reported. */
  maxPending: number;
  /** Deliver to loopback, private and reserved addresses too; off by default (see address-policy.ts). */
  allowPrivateAddresses: boolean;
}

export const DEFAULT_DELIVERY_OPTIONS: DeliveryOptions = {
  timeoutMs: 10_000,
  maxRetries: 3,
  backoffMs: 1_000,
  maxBackoffMs: 60_000,
  maxInFlight: 16,
  maxPending: 10_000,
  allowPrivateAddresses: false,
};

/** A delivery that did not reach its receiver (or was refused by it) after every attempt. */
export interface DeliveryFailure {
  webhookId: string;
  url: string;
  event: string;
  attempts: number;
  reason: string;
}

const RETRIED_STATUSES = new Set([408, 429, 500, 502, 503, 504]);

/**
 * Tells subscribed webhooks about registry changes. It is told of a change only after the change committed, and works
 * in the background: the client's request never waits for a receiver and never fails because of one. Each active
 * webhook subscribed to the event gets one POST, retried with exponential backoff (plus jitter) a bounded number of
 * times. Work is held in memory, bounded, and abandoned when the server closes.
 */
export class WebhookDispatcher {
  private readonly options: DeliveryOptions;
  private readonly closing = new AbortController();
  private readonly running = new Set<Promise<void>>();
  /** Announcements not yet matched with webhooks, and whether that matching is under way. */
  private readonly announced: Announcement[] = [];
  private fanningOut = false;
  /** Deliveries started and not finished (sending, or waiting to retry). */
  private pending = 0;
  private inFlight = 0;
  private readonly waitingForSlot: (() => void)[] = [];
  /** Where failed deliveries are reported; the server points it at its log. */
  onFailure: (failure: DeliveryFailure) => void = () => {};

  constructor(
    private readonly deps: { store: Store; now: () => number },
    private readonly keys: SecretKeyRing,
    options: Partial<DeliveryOptions> = {},
  ) {
    this.options = { ...DEFAULT_DELIVERY_OPTIONS, ...options };
  }

  /** Announces a committed change. Never throws and never waits. */
  notify(change: RegistryEvent): void {
    if (this.closing.signal.aborted) return;
    let announcement: Announcement;
    try {
      announcement = announcementOf(change);
    } catch {
      return;
    }
    if (this.announced.length >= this.options.maxPending) {
      const event = eventKey(announcement.event);
      this.onFailure({ webhookId: '*', url: '', event, attempts: 0, reason: 'dropped: too many events waiting' });
      return;
    }
    this.announced.push(announcement);
    this.startFanOut();
  }

  private startFanOut(): void {
    if (this.fanningOut) return;
    this.fanningOut = true;
    this.track(
      this.fanOut().finally(() => {
        this.fanningOut = false;
        // Announced after the loop saw an empty queue but before it ended.
        if (this.announced.length > 0 && !this.closing.signal.aborted) this.startFanOut();
      }),
    );
  }

  /** Resolves once nothing is being delivered or retried (tests use it to wait for the background work). */
  async settled(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }

  /** Abandons retries and cuts deliveries in flight; resolves when the background work has stopped. */
  async close(): Promise<void> {
    this.closing.abort();
    this.announced.length = 0;
    for (const wake of this.waitingForSlot.splice(0)) wake();
    await this.settled();
  }

  private track(work: Promise<void>): void {
    const tracked = work.catch(() => {}).finally(() => this.running.delete(tracked));
    this.running.add(tracked);
  }

  /**
   * Matches the waiting announcements with the webhooks subscribed to them, reading the webhooks once per batch: a
   * change that makes many events (a thousand tags set at once) costs one read, not one each.
   */
  private async fanOut(): Promise<void> {
    while (this.announced.length > 0 && !this.closing.signal.aborted) {
      const batch = this.announced.splice(0);
      let rows: WebhooksTable[];
      try {
        rows = await this.deliverable();
      } catch (error) {
        if (!this.closing.signal.aborted) {
          const reason = `not sent: reading webhooks failed: ${describe(error)}`;
          for (const a of batch)
            this.onFailure({ webhookId: '*', url: '', event: eventKey(a.event), attempts: 0, reason });
        }
        continue;
      }
      for (const announcement of batch) {
        for (const row of rows) {
          let subscribed = false;
          try {
            subscribed = subscribes(JSON.parse(row.events), announcement.event);
          } catch {
            // An events column that does not parse was edited behind the server (and fails the audit check first).
          }
          if (subscribed) this.startDelivery(row, announcement);
        }
      }
    }
  }

  /** The active webhooks, less those that differ from their audit record (each reported). */
  private async deliverable(): Promise<WebhooksTable[]> {
    const checked = await checkAgainstAudit(this.deps.store.db, await activeWebhookRows(this.deps.store.db));
    for (const row of checked.altered) {
      this.onFailure({
        webhookId: row.webhook_id,
        url: row.url,
        event: '*',
        attempts: 0,
        reason: 'not sent: the webhook differs from its audit record (edited in the database); run mnemo audit verify',
      });
    }
    return checked.recorded;
  }

  private startDelivery(row: WebhooksTable, announcement: Announcement): void {
    if (this.pending >= this.options.maxPending) {
      this.onFailure({
        webhookId: row.webhook_id,
        url: row.url,
        event: eventKey(announcement.event),
        attempts: 0,
        reason: `dropped: ${this.pending} deliveries are already waiting`,
      });
      return;
    }
    this.pending += 1;
    this.track(this.deliver(row, announcement).finally(() => (this.pending -= 1)));
  }

  private async deliver(row: WebhooksTable, announcement: Announcement): Promise<void> {
    const failure = (attempts: number, reason: string) =>
      this.onFailure({
        webhookId: row.webhook_id,
        url: row.url,
        event: eventKey(announcement.event),
        attempts,
        reason,
      });
    let secret: string | undefined;
    try {
      secret = row.secret === null ? undefined : await this.keys.open(row.secret, row.webhook_id);
    } catch (error) {
      // Sending unsigned would tell the receiver nothing is wrong; not sending is the visible failure.
      return failure(0, `not sent: ${describe(error)}`);
    }
    for (let attempt = 1; ; attempt++) {
      if (this.closing.signal.aborted) return;
      // A webhook disabled, deleted or changed while its delivery waited to be retried gets no more attempts.
      if (attempt > 1 && !(await this.unchanged(row))) return;
      const result = await this.withSlot(() =>
        sendDelivery({ url: row.url, secret }, announcement, {
          timeoutMs: this.options.timeoutMs,
          now: this.deps.now,
          allowPrivateAddresses: this.options.allowPrivateAddresses,
          signal: this.closing.signal,
        }),
      );
      if (result === undefined || this.closing.signal.aborted) return;
      if (result.answered && result.status < 400) return;
      const retried = result.answered ? RETRIED_STATUSES.has(result.status) : !result.final;
      if (!retried || attempt > this.options.maxRetries) return failure(attempt, outcome(result));
      try {
        await sleep(this.backoff(attempt, result), undefined, { signal: this.closing.signal });
      } catch {
        return;
      }
    }
  }

  private async unchanged(row: WebhooksTable): Promise<boolean> {
    try {
      const now = await findWebhookRow(this.deps.store.db, row.webhook_id);
      return now?.last_updated_time !== undefined && Number(now.last_updated_time) === Number(row.last_updated_time);
    } catch {
      return false;
    }
  }

  private backoff(attempt: number, result: AttemptResult): number {
    const { backoffMs, maxBackoffMs } = this.options;
    const asked = result.answered ? result.retryAfterMs : undefined;
    const exponential = backoffMs * 2 ** (attempt - 1);
    // Jitter spreads the retries of many deliveries that failed together (a receiver that was down).
    return Math.min(maxBackoffMs, asked ?? exponential + Math.random() * backoffMs);
  }

  /** Runs `send` once fewer than maxInFlight deliveries are being sent; undefined when the server closed meanwhile. */
  private async withSlot<T>(send: () => Promise<T>): Promise<T | undefined> {
    while (this.inFlight >= this.options.maxInFlight) {
      await new Promise<void>((wake) => this.waitingForSlot.push(wake));
      if (this.closing.signal.aborted) return undefined;
    }
    this.inFlight += 1;
    try {
      return await send();
    } finally {
      this.inFlight -= 1;
      this.waitingForSlot.shift()?.();
    }
  }
}

const describe = (error: unknown): string => (error instanceof Error ? error.message : String(error));

const outcome = (result: AttemptResult): string =>
  result.answered ? `the receiver answered ${result.status}` : result.error;
