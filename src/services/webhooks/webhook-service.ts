import { randomUUID } from 'node:crypto';
import type { Principal } from '../../domain/access/principal.js';
import { invalid, MnemoError, notFound } from '../../domain/errors.js';
import type { AuditActionRecording } from '../../domain/provenance/audit-events/catalog.js';
import type { WebhookState } from '../../domain/provenance/audit-events/recorded-states.js';
import { decodePageToken, encodePageToken } from '../../domain/search/page-token.js';
import { checkWebhookSecret } from '../../domain/webhooks/delivery-signature.js';
import { exampleData } from '../../domain/webhooks/payloads.js';
import { sealedDigest, sealSecret } from '../../domain/webhooks/secret-box.js';
import {
  parseWebhookStatus,
  validateWebhookName,
  validateWebhookUrl,
  type Webhook,
  type WebhookStatus,
} from '../../domain/webhooks/webhook.js';
import { parseWebhookEvent, parseWebhookEvents, type WebhookEvent } from '../../domain/webhooks/webhook-event.js';
import { findPrincipalByName } from '../../store/repositories/access/principal-repository.js';
import {
  attemptsOf,
  deleteDeliveriesOf,
  pageDeliveries,
} from '../../store/repositories/webhook-delivery-repository.js';
import {
  deleteWebhookRow,
  findWebhookRow,
  insertWebhookRow,
  pageWebhookRows,
  toWebhook,
  updateWebhookRow,
} from '../../store/repositories/webhook-repository.js';
import type { DeliveryStatus, WebhooksTable } from '../../store/schema-webhooks.js';
import type { Executor } from '../../store/store.js';
import type { ServiceDeps } from '../service-deps.js';
import type { WriteScope } from '../unit-of-work.js';
import type { SecretKeyRing } from './secret-key-ring.js';
import { sendDelivery } from './webhook-sender.js';

type EventInput = { entity: string; action: string };

export interface CreateWebhookInput {
  name: string;
  url: string;
  events: EventInput[];
  description?: string | undefined;
  secret?: string | undefined;
  status?: string | undefined;
  /** Only events about this registered model; empty for none. */
  model_name?: string | undefined;
  /** Only events about this experiment; empty for none. */
  experiment_id?: string | undefined;
  /** The owner's principal name (administrators only; default: the caller). */
  owner?: string | undefined;
}

export type UpdateWebhookInput = Partial<CreateWebhookInput>;

/**
 * Who manages webhooks: the caller's principal. Administrators (and everyone on a server without authentication)
 * see and manage every webhook; others only those they own.
 */
export type WebhookCaller = Principal | undefined;

/** One delivery in the log, with its attempts. */
export interface DeliveryRecord {
  deliveryId: string;
  webhookId: string;
  eventId: string;
  event: string;
  status: string;
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  nextAttemptTime: number | null;
  creationTime: number;
  finishedTime: number | null;
  attemptLog: { attempt: number; time: number; statusCode: number | null; error: string | null; durationMs: number }[];
}

/** What a test delivery reports, as MLflow's WebhookTestResult. */
export interface WebhookTestResult {
  success: boolean;
  responseStatus?: number;
  responseBody?: string;
  errorMessage?: string;
}

const DEFAULT_PAGE = 100;
const MAX_PAGE = 1000;
/** A test delivery is tried once: the client is waiting for its answer. */
const TEST_TIMEOUT_MS = 10_000;

/**
 * Webhook subscriptions (MLflow 3's webhooks API): create, read, list, update, delete, and a test delivery. Every
 * change is one audited write; the audit log records the webhook as the API shows it plus the digest of its sealed
 * secret, never the secret.
 */
export class WebhookService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly keys: SecretKeyRing,
    private readonly delivery: { allowPrivateAddresses: boolean },
  ) {}

  async create(input: CreateWebhookInput, caller?: WebhookCaller): Promise<Webhook> {
    const name = validateWebhookName(input.name);
    const url = validateWebhookUrl(input.url);
    const events = parseWebhookEvents(input.events);
    const status: WebhookStatus = input.status === undefined ? 'ACTIVE' : parseWebhookStatus(input.status);
    return this.deps.unitOfWork.write(async (scope) => {
      const now = this.deps.now();
      const webhookId = randomUUID();
      const row: WebhooksTable = {
        owner_id: await ownerOf(scope.db, input.owner, caller),
        model_name: input.model_name || null,
        experiment_id: input.experiment_id || null,
        webhook_id: webhookId,
        name,
        description: input.description || null,
        url,
        events: JSON.stringify(events),
        status,
        secret: await this.seal(scope, webhookId, input.secret),
        creation_time: now,
        last_updated_time: now,
      };
      await insertWebhookRow(scope.db, row);
      return this.recorded(scope, 'webhook.create', row);
    });
  }

  async get(webhookId: string, caller?: WebhookCaller): Promise<Webhook> {
    return toWebhook(await requireRow(this.deps.store.db, webhookId, caller));
  }

  async list(
    input: { maxResults?: number | undefined; pageToken?: string | undefined },
    caller?: WebhookCaller,
  ): Promise<{
    webhooks: Webhook[];
    nextPageToken?: string;
  }> {
    const limit = input.maxResults ?? DEFAULT_PAGE;
    if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_PAGE) {
      throw invalid(`max_results must be between 1 and ${MAX_PAGE}; got ${limit}`);
    }
    const offset = decodePageToken(input.pageToken);
    const rows = await pageWebhookRows(this.deps.store.db, offset, limit + 1, seesAll(caller) ? undefined : caller!.id);
    const webhooks = rows.slice(0, limit).map(toWebhook);
    return rows.length > limit ? { webhooks, nextPageToken: encodePageToken(offset + limit) } : { webhooks };
  }

  async update(webhookId: string, input: UpdateWebhookInput, caller?: WebhookCaller): Promise<Webhook> {
    const changes: Partial<WebhooksTable> = {};
    if (input.model_name !== undefined) changes.model_name = input.model_name || null;
    if (input.experiment_id !== undefined) changes.experiment_id = input.experiment_id || null;
    if (input.name !== undefined) changes.name = validateWebhookName(input.name);
    if (input.url !== undefined) changes.url = validateWebhookUrl(input.url);
    if (input.events !== undefined) changes.events = JSON.stringify(parseWebhookEvents(input.events));
    if (input.status !== undefined) changes.status = parseWebhookStatus(input.status);
    if (input.description !== undefined) changes.description = input.description || null;
    return this.deps.unitOfWork.write(async (scope) => {
      const current = await requireRow(scope.db, webhookId, caller);
      if (input.owner !== undefined) changes.owner_id = await ownerOf(scope.db, input.owner, caller);
      // An empty secret removes it (deliveries go unsigned); any other replaces it.
      if (input.secret !== undefined) changes.secret = await this.seal(scope, webhookId, input.secret);
      const row: WebhooksTable = { ...current, ...changes, last_updated_time: this.deps.now() };
      await updateWebhookRow(scope.db, webhookId, { ...changes, last_updated_time: row.last_updated_time });
      return this.recorded(scope, 'webhook.update', row);
    });
  }

  async delete(webhookId: string, caller?: WebhookCaller): Promise<void> {
    await this.deps.unitOfWork.write(async ({ db, audit }) => {
      await requireRow(db, webhookId, caller);
      await deleteDeliveriesOf(db, webhookId);
      await deleteWebhookRow(db, webhookId);
      audit({
        action: 'webhook.delete',
        entityKind: 'webhook',
        entityId: webhookId,
        state: { webhookId, deleted: true },
      });
    });
  }

  /**
   * Sends the example payload of one event (the webhook's first when none is named) to the webhook, signed with its
   * secret, and reports the receiver's answer. Sent whatever the webhook's status, as MLflow does.
   */
  async test(webhookId: string, event?: EventInput, caller?: WebhookCaller): Promise<WebhookTestResult> {
    const row = await requireRow(this.deps.store.db, webhookId, caller);
    const webhook = toWebhook(row);
    const tested: WebhookEvent | undefined = event ? parseWebhookEvent(event) : webhook.events[0];
    if (!tested) throw invalid(`Webhook '${webhookId}' subscribes to no event to test`);
    let secret: string | undefined;
    try {
      secret = row.secret === null ? undefined : await this.keys.open(row.secret, webhookId);
    } catch (error) {
      return { success: false, errorMessage: `Failed to test webhook: ${(error as Error).message}` };
    }
    const result = await sendDelivery(
      { url: row.url, secret },
      { event: tested, data: exampleData(tested) },
      { timeoutMs: TEST_TIMEOUT_MS, now: this.deps.now, allowPrivateAddresses: this.delivery.allowPrivateAddresses },
    );
    if (!result.answered) return { success: false, errorMessage: `Failed to test webhook: ${result.error}` };
    return { success: result.status < 400, responseStatus: result.status, responseBody: result.body };
  }

  /** The webhook's delivery log, newest first: each delivery's status, last status code and every attempt. */
  async deliveries(
    webhookId: string,
    input: { status?: string | undefined; maxResults?: number | undefined; pageToken?: string | undefined },
    caller?: WebhookCaller,
  ): Promise<{ deliveries: DeliveryRecord[]; nextPageToken?: string }> {
    const db = this.deps.store.db;
    await requireRow(db, webhookId, caller);
    const limit = input.maxResults ?? DEFAULT_PAGE;
    if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_PAGE) {
      throw invalid(`max_results must be between 1 and ${MAX_PAGE}; got ${limit}`);
    }
    const status = input.status === undefined ? undefined : parseDeliveryStatus(input.status);
    const offset = decodePageToken(input.pageToken);
    const rows = await pageDeliveries(db, webhookId, { status, offset, limit: limit + 1 });
    const page = rows.slice(0, limit);
    const attempts = await attemptsOf(
      db,
      page.map((r) => r.delivery_id),
    );
    const deliveries = page.map((row) => ({
      deliveryId: row.delivery_id,
      webhookId: row.webhook_id,
      eventId: row.event_id,
      event: row.event,
      status: row.status,
      attempts: Number(row.attempts),
      lastStatusCode: row.last_status_code === null ? null : Number(row.last_status_code),
      lastError: row.last_error,
      nextAttemptTime: row.status === 'PENDING' ? Number(row.next_attempt_time) : null,
      creationTime: Number(row.created_time),
      finishedTime: row.finished_time === null ? null : Number(row.finished_time),
      attemptLog: attempts
        .filter((a) => a.delivery_id === row.delivery_id)
        .map((a) => ({
          attempt: Number(a.attempt),
          time: Number(a.attempted_time),
          statusCode: a.status_code === null ? null : Number(a.status_code),
          error: a.error,
          durationMs: Number(a.duration_ms),
        })),
    }));
    return rows.length > limit ? { deliveries, nextPageToken: encodePageToken(offset + limit) } : { deliveries };
  }

  private async seal(scope: WriteScope, webhookId: string, secret: string | undefined): Promise<string | null> {
    if (secret === undefined || secret === '') return null;
    checkWebhookSecret(secret);
    return sealSecret(await this.keys.sealingKey(scope), secret, webhookId);
  }

  private recorded(
    scope: WriteScope,
    action: AuditActionRecording<'webhook', WebhookState>,
    row: WebhooksTable,
  ): Webhook {
    const webhook = toWebhook(row);
    scope.audit({ action, entityKind: 'webhook', entityId: webhook.webhookId, state: webhookAuditState(row) });
    return webhook;
  }
}

/** What the audit log records of a webhook (and `mnemo audit verify` compares with its row). */
export function webhookAuditState(row: WebhooksTable): WebhookState {
  return { ...toWebhook(row), secretDigest: sealedDigest(row.secret) };
}

/** Administrators and callers of a server without authentication see every webhook; others their own. */
const seesAll = (caller: WebhookCaller): boolean => caller === undefined || caller.isAdmin;

/** A webhook the caller may see; another's is answered as missing, so ids cannot be probed. */
async function requireRow(db: Executor, webhookId: string, caller?: WebhookCaller): Promise<WebhooksTable> {
  const row = await findWebhookRow(db, webhookId);
  if (!row || !(seesAll(caller) || row.owner_id === caller!.id)) {
    throw notFound(`Webhook with ID '${webhookId}' not found`);
  }
  return row;
}

/**
 * Whose read access filters the webhook's events: the named principal (administrators may name anyone), else the
 * caller. On a server without authentication there is nobody to filter for.
 */
async function ownerOf(db: Executor, named: string | undefined, caller: WebhookCaller): Promise<string | null> {
  if (named !== undefined && named !== '') {
    if (caller !== undefined && !caller.isAdmin && named !== caller.name) {
      throw new MnemoError('PERMISSION_DENIED', 'Only administrators may make a webhook owned by someone else');
    }
    const principal = await findPrincipalByName(db, named);
    if (!principal) throw invalid(`No user or service account named '${named}'`);
    return principal.principal_id;
  }
  if (caller === undefined || caller.via === 'open') return null;
  return caller.id;
}

function parseDeliveryStatus(value: string): DeliveryStatus {
  if (value === 'PENDING' || value === 'SUCCEEDED' || value === 'FAILED') return value;
  throw invalid(`Invalid delivery status '${value}'; expected PENDING, SUCCEEDED or FAILED`);
}
