import { Value } from '@sinclair/typebox/value';
import { invalid } from '../../domain/errors.js';
import type { Webhook } from '../../domain/webhooks/webhook.js';
import type { Services } from '../../services/services.js';
import type { DeliveryRecord, WebhookTestResult } from '../../services/webhooks/webhook-service.js';
import { access, SIGNED_IN, SIGNED_IN_WRITER } from '../access/route-access.js';
import type { TypedApp } from '../typed-app.js';
import {
  CreateWebhookBody,
  ListDeliveriesQuery,
  ListWebhooksQuery,
  TestWebhookBody,
  UpdateWebhookBody,
  WebhookIdParams,
} from './webhook-schemas.js';
import { toInteger } from './wire-values.js';

/** A webhook as MLflow's JSON shows it: no secret, no description key when there is none. */
export function presentWebhook(webhook: Webhook): Record<string, unknown> {
  return {
    webhook_id: webhook.webhookId,
    name: webhook.name,
    ...(webhook.description === null ? {} : { description: webhook.description }),
    url: webhook.url,
    events: webhook.events.map((e) => ({ entity: e.entity, action: e.action })),
    status: webhook.status,
    creation_timestamp: webhook.creationTime,
    last_updated_timestamp: webhook.lastUpdatedTime,
    ...(webhook.ownerId === undefined ? {} : { owner_id: webhook.ownerId }),
    ...(webhook.modelName === undefined ? {} : { model_name: webhook.modelName }),
    ...(webhook.experimentId === undefined ? {} : { experiment_id: webhook.experimentId }),
  };
}

function presentDelivery(delivery: DeliveryRecord): Record<string, unknown> {
  return {
    delivery_id: delivery.deliveryId,
    webhook_id: delivery.webhookId,
    event_id: delivery.eventId,
    event: delivery.event,
    status: delivery.status,
    attempts: delivery.attempts,
    last_status_code: delivery.lastStatusCode,
    last_error: delivery.lastError,
    next_attempt_timestamp: delivery.nextAttemptTime,
    creation_timestamp: delivery.creationTime,
    finished_timestamp: delivery.finishedTime,
    attempt_log: delivery.attemptLog.map((a) => ({
      attempt: a.attempt,
      timestamp: a.time,
      status_code: a.statusCode,
      error: a.error,
      duration_ms: a.durationMs,
    })),
  };
}

function presentTestResult(result: WebhookTestResult): Record<string, unknown> {
  return {
    success: result.success,
    ...(result.responseStatus === undefined ? {} : { response_status: result.responseStatus }),
    ...(result.responseBody === undefined ? {} : { response_body: result.responseBody }),
    ...(result.errorMessage === undefined ? {} : { error_message: result.errorMessage }),
  };
}

/**
 * webhooks/*: MLflow 3's webhook subscriptions for registry events, a test delivery, and (Mnemo's addition) each
 * webhook's delivery log. Any signed-in principal may keep webhooks: each is owned, hears only of what its owner may
 * read, and is seen and managed by its owner and administrators only (others get 404).
 */
export async function mlflowWebhookRoutes(app: TypedApp, { services }: { services: Services }) {
  const webhooks = services.webhooks.subscriptions;

  app.post('/webhooks', { config: access(SIGNED_IN_WRITER), schema: { body: CreateWebhookBody } }, async (request) => ({
    webhook: presentWebhook(await webhooks.create(request.body, request.principal)),
  }));

  app.get('/webhooks', { config: access(SIGNED_IN), schema: { querystring: ListWebhooksQuery } }, async (request) => {
    const result = await webhooks.list(
      { maxResults: toInteger(request.query.max_results, 'max_results'), pageToken: request.query.page_token },
      request.principal,
    );
    const reply: Record<string, unknown> = {};
    if (result.webhooks.length > 0) reply.webhooks = result.webhooks.map(presentWebhook);
    if (result.nextPageToken) reply.next_page_token = result.nextPageToken;
    return reply;
  });

  app.get(
    '/webhooks/:webhook_id',
    { config: access(SIGNED_IN), schema: { params: WebhookIdParams } },
    async (request) => ({
      webhook: presentWebhook(await webhooks.get(request.params.webhook_id, request.principal)),
    }),
  );

  app.get(
    '/webhooks/:webhook_id/deliveries',
    { config: access(SIGNED_IN), schema: { params: WebhookIdParams, querystring: ListDeliveriesQuery } },
    async (request) => {
      const result = await webhooks.deliveries(
        request.params.webhook_id,
        {
          status: request.query.status,
          maxResults: toInteger(request.query.max_results, 'max_results'),
          pageToken: request.query.page_token,
        },
        request.principal,
      );
      return {
        deliveries: result.deliveries.map(presentDelivery),
        ...(result.nextPageToken ? { next_page_token: result.nextPageToken } : {}),
      };
    },
  );

  app.patch(
    '/webhooks/:webhook_id',
    { config: access(SIGNED_IN_WRITER), schema: { params: WebhookIdParams, body: UpdateWebhookBody } },
    async (request) => {
      const { webhook_id, ...changes } = request.body;
      sameId(request.params.webhook_id, webhook_id);
      return {
        webhook: presentWebhook(await webhooks.update(request.params.webhook_id, changes, request.principal)),
      };
    },
  );

  app.delete(
    '/webhooks/:webhook_id',
    { config: access(SIGNED_IN_WRITER), schema: { params: WebhookIdParams } },
    async (request) => {
      await webhooks.delete(request.params.webhook_id, request.principal);
      return {};
    },
  );

  // The body is optional (a test of the webhook's first event), so it is checked here rather than by the schema.
  app.post(
    '/webhooks/:webhook_id/test',
    { config: access(SIGNED_IN_WRITER), schema: { params: WebhookIdParams } },
    async (request) => {
      const body = request.body ?? {};
      if (!Value.Check(TestWebhookBody, body)) {
        const first = [...Value.Errors(TestWebhookBody, body)][0];
        throw invalid(
          `Invalid value for body${first?.path.replaceAll('/', '.') ?? ''}: ${first?.message ?? 'is invalid'}`,
        );
      }
      sameId(request.params.webhook_id, body.webhook_id);
      return {
        result: presentTestResult(await webhooks.test(request.params.webhook_id, body.event, request.principal)),
      };
    },
  );
}

function sameId(inPath: string, inBody: string | undefined): void {
  if (inBody !== undefined && inBody !== inPath) {
    throw invalid(`webhook_id '${inBody}' in the body does not match '${inPath}' in the path`);
  }
}
