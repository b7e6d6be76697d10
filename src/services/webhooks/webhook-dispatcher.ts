import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Announcement, announcementOf } from '../../domain/webhooks/payloads.js';
import type { RegistryEvent } from '../../domain/webhooks/registry-event.js';
import { sealSecret } from '../../domain/webhooks/secret-box.js';
import { eventKey, subscribes } from '../../domain/webhooks/webhook-event.js';
import {
  anyActiveWebhook,
  claimOutboxRows,
  deleteOutboxRow,
  insertOutboxRows,
  releaseOutboxRow,
} from '../../store/repositories/webhook-outbox-repository.js';
import { activeWebhookRows, findWebhookRow } from '../../store/repositories/webhook-repository.js';
import type { WebhookOutboxTable, WebhooksTable } from '../../store/schema-webhooks.js';
import type { Store } from '../../store/store.js';
import { newId } from '../ids.js';
import type { WriteScope } from '../unit-of-work.js';
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
  /**
   * How long a server holds an owed event it took from the outbox before another may take it over (it crashed or
   * was killed): longer than every attempt and backoff of one event together.
   */
  leaseMs: number;
  /** How often a server looks for owed events it was not told of (other replicas', or left by a crash). */
  pollMs: number;
}

export const DEFAULT_DELIVERY_OPTIONS: DeliveryOptions = {
  timeoutMs: 10_000,
  maxRetries: 3,
  backoffMs: 1_000,
  maxBackoffMs: 60_000,
  maxInFlight: 16,
  maxPending: 10_000,
  allowPrivateAddresses: false,
  leaseMs: 5 * 60_000,
  pollMs: 5_000,
};

/** Owed events taken from the outbox at a time. */
const CLAIM_BATCH = 100;

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
 * Tells subscribed webhooks about registry changes. A change's events are staged in the outbox inside its own
 * transaction (`stage`), so a delivery owed survives a crash; after the commit the dispatcher is woken (`notify`) and
 * works in the background: the client's request never waits for a receiver and never fails because of one. Each
 * active webhook subscribed to the event gets one POST with a delivery id fixed per event and webhook (a redelivery
 * after a crash repeats it, so receivers can drop duplicates), retried with exponential backoff (plus jitter) a
 * bounded number of times; then the event leaves the outbox. A server takes owed events under a lease, so replicas
 * share the work, and one that stopped mid-way leaves them to the next.
 */
export class WebhookDispatcher {
  private readonly options: DeliveryOptions;
  private readonly closing = new AbortController();
  private readonly running = new Set<Promise<void>>();
  /** Whether owed events are being taken from the outbox, and whether more were announced meanwhile. */
  private fanningOut = false;
  private wokenAgain = false;
  private poller: NodeJS.Timeout | undefined;
  /** Deliveries started and not finished (sending, or waiting to retry). */
  private pending = 0;
  private inFlight = 0;
  private readonly waitingForSlot: (() => void)[] = [];
  private readonly waitingForPending: (() => void)[] = [];
  /** Where failed deliveries are reported; the server points it at its log. */
  onFailure: (failure: DeliveryFailure) => void = () => {};

  constructor(
    private readonly deps: { store: Store; now: () => number },
    private readonly keys: SecretKeyRing,
    options: Partial<DeliveryOptions> = {},
  ) {
    this.options = { ...DEFAULT_DELIVERY_OPTIONS, ...options };
  }

  /**
   * Stages a change's events in the outbox, inside the change's transaction. Nothing is staged while no webhook is
   * active: nobody is owed a delivery then. Each event is sealed with the secret key, bound to its id: a row
   * inserted or edited in the database behind the server does not open, so it is never sent out signed.
   */
  async stage(scope: WriteScope, events: readonly RegistryEvent[]): Promise<void> {
    if (events.length === 0 || !(await anyActiveWebhook(scope.db))) return;
    const key = await this.keys.sealingKey(scope);
    const now = this.deps.now();
    await insertOutboxRows(
      scope.db,
      events.map((event) => {
        const eventId = newId();
        return {
          event_id: eventId,
          announcement: sealSecret(key, JSON.stringify(announcementOf(event)), `outbox:${eventId}`),
          created_time: now,
          claimed_until: null,
        };
      }),
    );
  }

  /** Wakes delivery after a change committed. Never throws and never waits. */
  notify(_change?: RegistryEvent): void {
    if (this.closing.signal.aborted) return;
    this.startFanOut();
  }

  /** Looks for owed events now and every `pollMs`: those left by a crash, or staged by another replica. */
  start(): void {
    if (this.poller || this.closing.signal.aborted) return;
    this.startFanOut();
    this.poller = setInterval(() => this.startFanOut(), this.options.pollMs);
    this.poller.unref();
  }

  private startFanOut(): void {
    if (this.fanningOut) {
      this.wokenAgain = true;
      return;
    }
    this.fanningOut = true;
    this.wokenAgain = false;
    this.track(
      this.fanOut().finally(() => {
        this.fanningOut = false;
        // Woken after the loop found the outbox empty but before it ended.
        if (this.wokenAgain && !this.closing.signal.aborted) this.startFanOut();
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
    if (this.poller) clearInterval(this.poller);
    for (const wake of this.waitingForSlot.splice(0)) wake();
    for (const wake of this.waitingForPending.splice(0)) wake();
    await this.settled();
  }

  private track(work: Promise<void>): void {
    const tracked = work.catch(() => {}).finally(() => this.running.delete(tracked));
    this.running.add(tracked);
  }

  /**
   * Takes owed events from the outbox and matches them with the webhooks subscribed to them, reading the webhooks
   * once per batch: a change that makes many events (a thousand tags set at once) costs one read, not one each. An
   * event leaves the outbox once each of its deliveries succeeded or gave up; a read that fails leaves the events
   * where they are, for the next poll.
   */
  private async fanOut(): Promise<void> {
    while (!this.closing.signal.aborted) {
      let batch: WebhookOutboxTable[];
      let rows: WebhooksTable[];
      try {
        const now = this.deps.now();
        batch = await claimOutboxRows(this.deps.store.db, now, now + this.options.leaseMs, CLAIM_BATCH);
        if (batch.length === 0) return;
        rows = await this.deliverable();
      } catch (error) {
        if (!this.closing.signal.aborted) {
          this.onFailure({ webhookId: '*', url: '', event: '*', attempts: 0, reason: `delayed: ${describe(error)}` });
        }
        return;
      }
      for (const owed of batch) {
        let announcement: Announcement;
        try {
          announcement = JSON.parse(await this.keys.open(owed.announcement, `outbox:${owed.event_id}`)) as Announcement;
        } catch (error) {
          this.onFailure({
            webhookId: '*',
            url: '',
            event: owed.event_id,
            attempts: 0,
            reason: `not sent: the owed event does not open (${describe(error)}); it was written or edited behind the server`,
          });
          await this.settle(owed.event_id);
          continue;
        }
        const deliveries: Promise<void>[] = [];
        for (const row of rows) {
          let subscribed = false;
          try {
            subscribed = subscribes(JSON.parse(row.events), announcement.event);
          } catch {
            // An events column that does not parse was edited behind the server (and fails the audit check first).
          }
          if (subscribed) deliveries.push(this.startDelivery(row, announcement, deliveryIdOf(owed.event_id, row)));
        }
        this.track(
          Promise.allSettled(deliveries).then(async () => {
            if (this.closing.signal.aborted) await this.release(owed.event_id);
            else await this.settle(owed.event_id);
          }),
        );
      }
    }
  }

  /** The event owes nothing more: every delivery succeeded or gave up. */
  private async settle(eventId: string): Promise<void> {
    try {
      await deleteOutboxRow(this.deps.store.db, eventId);
    } catch {
      // Left in the outbox, it is delivered again once its lease runs out: at least once, never lost.
    }
  }

  /** Closing mid-delivery: the event goes back to the outbox for the next server to take at once. */
  private async release(eventId: string): Promise<void> {
    try {
      await releaseOutboxRow(this.deps.store.db, eventId);
    } catch {
      // The lease runs out instead.
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

  private async startDelivery(row: WebhooksTable, announcement: Announcement, deliveryId: string): Promise<void> {
    // Beyond the bound, wait for a delivery to finish rather than drop one: the owed event stays in the outbox.
    while (this.pending >= this.options.maxPending && !this.closing.signal.aborted) {
      await new Promise<void>((wake) => this.waitingForPending.push(wake));
    }
    this.pending += 1;
    const work = this.deliver(row, announcement, deliveryId).finally(() => {
      this.pending -= 1;
      this.waitingForPending.shift()?.();
    });
    this.track(work);
    return work;
  }

  private async deliver(row: WebhooksTable, announcement: Announcement, deliveryId: string): Promise<void> {
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
          deliveryId,
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

/** The same id for every attempt and redelivery of one event to one webhook, shaped as a UUID like MLflow's. */
function deliveryIdOf(eventId: string, row: WebhooksTable): string {
  const hex = createHash('sha256').update(`${eventId}/${row.webhook_id}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

const describe = (error: unknown): string => (error instanceof Error ? error.message : String(error));

const outcome = (result: AttemptResult): string =>
  result.answered ? `the receiver answered ${result.status}` : result.error;
