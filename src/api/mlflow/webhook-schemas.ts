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
  // Mnemo's additions: a webhook about one model or one experiment, and whose read access filters its events.
  model_name: Text(1000),
  experiment_id: Text(100),
  owner: Text(256),
};

export const CreateWebhookBody = Type.Object(
  {
    name: Fields.name,
    url: Fields.url,
    events: Fields.events,
    description: Type.Optional(Fields.description),
    secret: Type.Optional(Fields.secret),
    status: Type.Optional(Fields.status),
    model_name: Type.Optional(Fields.model_name),
    experiment_id: Type.Optional(Fields.experiment_id),
    owner: Type.Optional(Fields.owner),
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
    model_name: Type.Optional(Fields.model_name),
    experiment_id: Type.Optional(Fields.experiment_id),
    owner: Type.Optional(Fields.owner),
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

export const ListDeliveriesQuery = Type.Object(
  {
    status: Type.Optional(Enum),
    max_results: Type.Optional(QueryInteger),
    page_token: Type.Optional(Text(1000)),
  },
  Strict,
);
