import { createHash } from 'node:crypto';
import { type Announcement, announcementOf } from '../../domain/webhooks/payloads.js';
import type { RegistryEvent } from '../../domain/webhooks/registry-event.js';
import { sealSecret } from '../../domain/webhooks/secret-box.js';
import { eventKey, subscribes } from '../../domain/webhooks/webhook-event.js';
import {
  claimDueDeliveries,
  fanOutEvent,
  finishDelivery,
  recordDeliveryAttempt,
  releaseDelivery,
} from '../../store/repositories/webhook-delivery-repository.js';
import {
  anyActiveWebhook,
  claimOutboxRows,
  deleteOutboxRow,
  insertOutboxRows,
  releaseOutboxRow,
} from '../../store/repositories/webhook-outbox-repository.js';
import { activeWebhookRows, findWebhookRow } from '../../store/repositories/webhook-repository.js';
import type { WebhookDeliveriesTable, WebhookOutboxTable, WebhooksTable } from '../../store/schema-webhooks.js';
import type { Store } from '../../store/store.js';
import { newId } from '../ids.js';
import type { WriteScope } from '../unit-of-work.js';
import { type AudienceDeps, EventAudience } from './event-audience.js';
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
  /** Deliveries sent at once; more wait their turn in the database. */
  maxInFlight: number;
  /** Deliver to loopback, private and reserved addresses too; off by default (see address-policy.ts). */
  allowPrivateAddresses: boolean;
  /**
   * How long a server holds an owed event or a delivery attempt it took before another may take it over (it crashed
   * or was killed): longer than one attempt.
   */
  leaseMs: number;
  /** How often a server looks for owed events and due retries it was not told of (other replicas', a crash's). */
  pollMs: number;
}

export const DEFAULT_DELIVERY_OPTIONS: DeliveryOptions = {
  timeoutMs: 10_000,
  maxRetries: 3,
  backoffMs: 1_000,
  maxBackoffMs: 60_000,
  maxInFlight: 16,
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
 * Tells subscribed webhooks about registry changes, in two steps that any replica may take:
 * 1. An event is staged in the outbox inside its change's transaction (`stage`). Fan-out turns it into one
 *    delivery row per active webhook subscribed to it, whose scope matches and whose owner may read what it is
 *    about, and removes it from the outbox, in one transaction.
 * 2. Due deliveries are claimed (`FOR UPDATE SKIP LOCKED` on PostgreSQL) and sent; each attempt is logged with the
 *    receiver's status code, and the delivery is marked succeeded, scheduled for a retry with exponential backoff
 *    (plus jitter), or failed once the retries are spent. A delivery is held by one server at a time, so two replicas
 *    never send it together; one that stopped mid-attempt leaves it to the next once its lease runs out.
 * After a commit the dispatcher is woken (`notify`) and works in the background: a client's request never waits for
 * a receiver and never fails because of one.
 */
export class WebhookDispatcher {
  private readonly options: DeliveryOptions;
  private readonly closing = new AbortController();
  private readonly running = new Set<Promise<void>>();
  private pumping = false;
  private wokenAgain = false;
  private poller: NodeJS.Timeout | undefined;
  /** Retries this server scheduled: a timer wakes it when each is due (the poll finds those of other servers). */
  private readonly retryTimers = new Set<NodeJS.Timeout>();
  private inFlight = 0;
  /** Where failed deliveries are reported; the server points it at its log. */
  onFailure: (failure: DeliveryFailure) => void = () => {};

  constructor(
    private readonly deps: { store: Store; now: () => number },
    private readonly keys: SecretKeyRing,
    options: Partial<DeliveryOptions> = {},
    private readonly audience?: AudienceDeps,
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
    this.wake();
  }

  /** Looks for owed events and due deliveries now and every `pollMs`. */
  start(): void {
    if (this.poller || this.closing.signal.aborted) return;
    this.wake();
    this.poller = setInterval(() => this.wake(), this.options.pollMs);
    this.poller.unref();
  }

  private wake(): void {
    if (this.pumping) {
      this.wokenAgain = true;
      return;
    }
    this.pumping = true;
    this.wokenAgain = false;
    this.track(
      this.pump().finally(() => {
        this.pumping = false;
        // Woken after the loop found nothing to do but before it ended.
        if (this.wokenAgain && !this.closing.signal.aborted) this.wake();
      }),
    );
  }

  /** Resolves once nothing is being delivered and no retry this server scheduled is waiting. */
  async settled(): Promise<void> {
    while (this.running.size > 0 || this.retryTimers.size > 0) {
      if (this.running.size > 0) await Promise.allSettled([...this.running]);
      else await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  /** Cuts deliveries in flight (they go back for the next server) and resolves when the background work stopped. */
  async close(): Promise<void> {
    this.closing.abort();
    if (this.poller) clearInterval(this.poller);
    for (const timer of this.retryTimers) clearTimeout(timer);
    this.retryTimers.clear();
    await this.settled();
  }

  private track(work: Promise<void>): void {
    const tracked = work.catch(() => {}).finally(() => this.running.delete(tracked));
    this.running.add(tracked);
  }

  private async pump(): Promise<void> {
    try {
      await this.fanOut();
      await this.sendDue();
    } catch (error) {
      if (!this.closing.signal.aborted) {
        this.onFailure({ webhookId: '*', url: '', event: '*', attempts: 0, reason: `delayed: ${describe(error)}` });
      }
    }
  }

  /**
   * Takes owed events from the outbox and makes their deliveries, reading the webhooks once per batch: a change that
   * makes many events (a thousand tags set at once) costs one read, not one each.
   */
  private async fanOut(): Promise<void> {
    while (!this.closing.signal.aborted) {
      const now = this.deps.now();
      const batch = await claimOutboxRows(this.deps.store.db, now, now + this.options.leaseMs, CLAIM_BATCH);
      if (batch.length === 0) return;
      const rows = await this.deliverable();
      const audience = new EventAudience(this.audience);
      for (const owed of batch) {
        if (this.closing.signal.aborted) {
          await releaseOutboxRow(this.deps.store.db, owed.event_id);
          continue;
        }
        await this.fanOutOne(owed, rows, audience);
      }
    }
  }

  private async fanOutOne(owed: WebhookOutboxTable, rows: WebhooksTable[], audience: EventAudience): Promise<void> {
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
      await deleteOutboxRow(this.deps.store.db, owed.event_id);
      return;
    }
    const now = this.deps.now();
    const deliveries: WebhookDeliveriesTable[] = [];
    for (const row of rows) {
      let subscribed = false;
      try {
        subscribed = subscribes(JSON.parse(row.events), announcement.event);
      } catch {
        // An events column that does not parse was edited behind the server (and fails the audit check first).
      }
      if (!subscribed || !(await audience.hears(row, announcement.scope))) continue;
      const told = await audience.tailored(this.deps.store.db, row, announcement);
      const deliveryId = deliveryIdOf(owed.event_id, row);
      deliveries.push({
        delivery_id: deliveryId,
        webhook_id: row.webhook_id,
        event_id: owed.event_id,
        event: eventKey(announcement.event),
        announcement: this.keys.sealLike(owed.announcement, JSON.stringify(told), deliveryContext(deliveryId, row)),
        status: 'PENDING',
        attempts: 0,
        next_attempt_time: now,
        claimed_until: null,
        last_status_code: null,
        last_error: null,
        created_time: now,
        finished_time: null,
      });
    }
    await fanOutEvent(this.deps.store.db, owed.event_id, deliveries);
  }

  /** Claims due deliveries while there are slots, and sends each in the background. */
  private async sendDue(): Promise<void> {
    while (!this.closing.signal.aborted) {
      const free = this.options.maxInFlight - this.inFlight;
      if (free <= 0) return;
      const now = this.deps.now();
      const claimed = await claimDueDeliveries(this.deps.store.db, now, now + this.options.leaseMs, free);
      if (claimed.length === 0) return;
      for (const delivery of claimed) {
        this.inFlight += 1;
        this.track(
          this.attempt(delivery).finally(() => {
            this.inFlight -= 1;
            // A slot is free: more may be due.
            if (!this.closing.signal.aborted) this.wake();
          }),
        );
      }
    }
  }

  /** The active webhooks, less those that differ from their audit record (each reported). */
  private async deliverable(): Promise<WebhooksTable[]> {
    const checked = await checkAgainstAudit(this.deps.store.db, await activeWebhookRows(this.deps.store.db));
    for (const row of checked.altered) this.reportAltered(row);
    return checked.recorded;
  }

  private reportAltered(row: WebhooksTable): void {
    this.onFailure({
      webhookId: row.webhook_id,
      url: row.url,
      event: '*',
      attempts: 0,
      reason: 'not sent: the webhook differs from its audit record (edited in the database); run mnemo audit verify',
    });
  }

  /** One attempt of one claimed delivery, with the webhook as it is now. */
  private async attempt(delivery: WebhookDeliveriesTable): Promise<void> {
    const db = this.deps.store.db;
    const finish = async (reason: string) => {
      await finishDelivery(db, delivery.delivery_id, 'FAILED', reason, this.deps.now());
      this.onFailure({ webhookId: delivery.webhook_id, url: '', event: delivery.event, attempts: 0, reason });
    };
    const current = await findWebhookRow(db, delivery.webhook_id);
    if (!current) return finish('not sent: the webhook was deleted');
    if (current.status !== 'ACTIVE') return finish('not sent: the webhook was disabled');
    const checked = await checkAgainstAudit(db, [current]);
    if (checked.altered.length > 0) {
      this.reportAltered(current);
      return finish('not sent: the webhook differs from its audit record (edited in the database)');
    }
    let announcement: Announcement;
    let secret: string | undefined;
    try {
      announcement = JSON.parse(
        await this.keys.open(delivery.announcement, deliveryContext(delivery.delivery_id, current)),
      ) as Announcement;
      secret = current.secret === null ? undefined : await this.keys.open(current.secret, current.webhook_id);
    } catch (error) {
      // Sending unsigned would tell the receiver nothing is wrong; not sending is the visible failure.
      return finish(`not sent: ${describe(error)}`);
    }
    const started = this.deps.now();
    const result = await sendDelivery({ url: current.url, secret }, announcement, {
      timeoutMs: this.options.timeoutMs,
      now: this.deps.now,
      allowPrivateAddresses: this.options.allowPrivateAddresses,
      signal: this.closing.signal,
      deliveryId: delivery.delivery_id,
    });
    if (this.closing.signal.aborted) {
      // Cut by a shutdown: not the receiver's failure; the next server sends it again under the same id.
      await releaseDelivery(db, delivery.delivery_id).catch(() => {});
      return;
    }
    const finished = this.deps.now();
    const attempts = delivery.attempts + 1;
    const succeeded = result.answered && result.status < 400;
    const retried = !succeeded && (result.answered ? RETRIED_STATUSES.has(result.status) : !result.final);
    const retry = retried && attempts <= this.options.maxRetries;
    const wait = retry ? this.backoff(attempts, result) : 0;
    await recordDeliveryAttempt(
      db,
      {
        delivery_id: delivery.delivery_id,
        attempt: attempts,
        attempted_time: started,
        status_code: result.answered ? result.status : null,
        error: result.answered ? null : result.error,
        duration_ms: Math.max(0, finished - started),
      },
      {
        status: succeeded ? 'SUCCEEDED' : retry ? 'PENDING' : 'FAILED',
        attempts,
        next_attempt_time: finished + wait,
        last_status_code: result.answered ? result.status : null,
        last_error: succeeded ? null : outcome(result),
        finished_time: succeeded || !retry ? finished : null,
      },
    );
    if (retry) this.wakeIn(wait);
    else if (!succeeded) {
      this.onFailure({
        webhookId: current.webhook_id,
        url: current.url,
        event: delivery.event,
        attempts,
        reason: outcome(result),
      });
    }
  }

  private wakeIn(ms: number): void {
    if (this.closing.signal.aborted) return;
    const timer = setTimeout(() => {
      this.retryTimers.delete(timer);
      this.wake();
    }, ms);
    timer.unref();
    this.retryTimers.add(timer);
  }

  private backoff(attempt: number, result: AttemptResult): number {
    const { backoffMs, maxBackoffMs } = this.options;
    const asked = result.answered ? result.retryAfterMs : undefined;
    const exponential = backoffMs * 2 ** (attempt - 1);
    // Jitter spreads the retries of many deliveries that failed together (a receiver that was down).
    return Math.round(Math.min(maxBackoffMs, asked ?? exponential + Math.random() * backoffMs));
  }
}

/** The same id for every attempt and redelivery of one event to one webhook, shaped as a UUID like MLflow's. */
function deliveryIdOf(eventId: string, row: WebhooksTable): string {
  const hex = createHash('sha256').update(`${eventId}/${row.webhook_id}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** A delivery's sealed event opens only for that delivery to that webhook: a row copied elsewhere does not. */
const deliveryContext = (deliveryId: string, row: WebhooksTable) => `delivery:${deliveryId}:${row.webhook_id}`;

const describe = (error: unknown): string => (error instanceof Error ? error.message : String(error));

const outcome = (result: AttemptResult): string =>
  result.answered ? `the receiver answered ${result.status}` : result.error;
