import { Type } from '@sinclair/typebox';
import { QueryInteger } from './wire-values.js';

/**
 * Request shapes of MLflow's webhooks API (webhooks.proto). Entities, actions and statuses travel as their proto enum
 * names; which pairs are valid and what a URL may be is decided by the webhook service.
 */
const Strict = { additionalProperties: false } as const;
const Text = (maxLength: number) => Type.String({ maxLength });
const Enum = Type.String({ minLength: 1, maxLength: 100 });

export const WebhookEventJson = Type.Object({ entity: Enum, action: Enum }, Strict);

const Fields = {
  name: Type.String({ minLength: 1, maxLength: 1000 }),
  description: Text(10_000),
  url: Type.String({ minLength: 1, maxLength: 4096 }),
  events: Type.Array(WebhookEventJson, { maxItems: 100 }),
  secret: Text(4096),
  status: Enum,
};

export const CreateWebhookBody = Type.Object(
  {
    name: Fields.name,
    url: Fields.url,
    events: Fields.events,
    description: Type.Optional(Fields.description),
    secret: Type.Optional(Fields.secret),
    status: Type.Optional(Fields.status),
  },
  Strict,
);

/** MLflow's client may repeat the path's id in the body. */
export const UpdateWebhookBody = Type.Object(
  {
    webhook_id: Type.Optional(Text(100)),
    name: Type.Optional(Fields.name),
    url: Type.Optional(Fields.url),
    events: Type.Optional(Fields.events),
    description: Type.Optional(Fields.description),
    secret: Type.Optional(Fields.secret),
    status: Type.Optional(Fields.status),
  },
  Strict,
);

export const TestWebhookBody = Type.Object(
  { webhook_id: Type.Optional(Text(100)), event: Type.Optional(WebhookEventJson) },
  Strict,
);

export const WebhookIdParams = Type.Object({ webhook_id: Type.String({ minLength: 1, maxLength: 100 }) }, Strict);

export const ListWebhooksQuery = Type.Object(
  { max_results: Type.Optional(QueryInteger), page_token: Type.Optional(Text(1000)) },
  Strict,
);
