import type { KeyValue } from '../tracking/entities.js';
import type { RegistryEvent } from './registry-event.js';
import type { WebhookEntity, WebhookEvent } from './webhook-event.js';

/** What one delivery carries besides its envelope: the `data` MLflow sends for the event. */
export type DeliveryData = Record<string, unknown>;

export interface Announcement {
  event: WebhookEvent;
  data: DeliveryData;
}

const tagObject = (tags: readonly KeyValue[]): Record<string, string> =>
  Object.fromEntries(tags.map((t) => [t.key, t.value]));

/** The webhook event a registry change fires and its data, shaped as MLflow's payload types (versions as strings). */
export function announcementOf(change: RegistryEvent): Announcement {
  switch (change.kind) {
    case 'registered_model.created':
      return {
        event: { entity: 'REGISTERED_MODEL', action: 'CREATED' },
        data: { name: change.model.name, tags: tagObject(change.model.tags), description: change.model.description },
      };
    case 'model_version.created': {
      const v = change.version;
      return {
        event: { entity: 'MODEL_VERSION', action: 'CREATED' },
        data: {
          name: v.name,
          version: String(v.version),
          source: v.source,
          run_id: v.runId,
          tags: tagObject(v.tags),
          description: v.description,
        },
      };
    }
    case 'model_version_tag.set':
      return {
        event: { entity: 'MODEL_VERSION_TAG', action: 'SET' },
        data: { name: change.name, version: String(change.version), key: change.key, value: change.value },
      };
    case 'model_version_tag.deleted':
      return {
        event: { entity: 'MODEL_VERSION_TAG', action: 'DELETED' },
        data: { name: change.name, version: String(change.version), key: change.key },
      };
    case 'model_version_alias.created':
      return {
        event: { entity: 'MODEL_VERSION_ALIAS', action: 'CREATED' },
        data: { name: change.name, alias: change.alias, version: String(change.version) },
      };
    case 'model_version_alias.deleted':
      return {
        event: { entity: 'MODEL_VERSION_ALIAS', action: 'DELETED' },
        data: { name: change.name, alias: change.alias },
      };
  }
}

/** The sample data a test delivery sends for each event, as MLflow's example payloads. */
const EXAMPLES: Record<string, DeliveryData> = {
  'REGISTERED_MODEL.CREATED': {
    name: 'example_model',
    tags: { example_key: 'example_value' },
    description: 'An example registered model',
  },
  'MODEL_VERSION.CREATED': {
    name: 'example_model',
    version: '1',
    source: 'runs:/abcd1234abcd5678/model',
    run_id: 'abcd1234abcd5678',
    tags: { example_key: 'example_value' },
    description: 'An example model version',
  },
  'MODEL_VERSION_TAG.SET': { name: 'example_model', version: '1', key: 'example_key', value: 'example_value' },
  'MODEL_VERSION_TAG.DELETED': { name: 'example_model', version: '1', key: 'example_key' },
  'MODEL_VERSION_ALIAS.CREATED': { name: 'example_model', alias: 'example_alias', version: '1' },
  'MODEL_VERSION_ALIAS.DELETED': { name: 'example_model', alias: 'example_alias' },
  'PROMPT.CREATED': { name: 'example_prompt', tags: { example_key: 'example_value' }, description: null },
  'PROMPT_VERSION.CREATED': {
    name: 'example_prompt',
    version: '1',
    template: 'Hello {{name}}',
    tags: { example_key: 'example_value' },
    description: null,
  },
  'PROMPT_TAG.SET': { name: 'example_prompt', key: 'example_key', value: 'example_value' },
  'PROMPT_TAG.DELETED': { name: 'example_prompt', key: 'example_key' },
  'PROMPT_VERSION_TAG.SET': { name: 'example_prompt', version: '1', key: 'example_key', value: 'example_value' },
  'PROMPT_VERSION_TAG.DELETED': { name: 'example_prompt', version: '1', key: 'example_key' },
  'PROMPT_ALIAS.CREATED': { name: 'example_prompt', alias: 'example_alias', version: '1' },
  'PROMPT_ALIAS.DELETED': { name: 'example_prompt', alias: 'example_alias' },
};

export const exampleData = (event: WebhookEvent): DeliveryData => ({
  ...(EXAMPLES[`${event.entity}.${event.action}`] ?? {}),
});

/** Payloads name the event in lower case (`model_version`, `created`) as MLflow's delivery does. */
const wireName = (value: WebhookEntity | string): string => value.toLowerCase();

/** The body of one delivery: the event, when it was sent (ISO 8601, UTC) and its data, as JSON text. */
export function deliveryBody(announcement: Announcement, sentAt: Date): string {
  return JSON.stringify({
    entity: wireName(announcement.event.entity),
    action: wireName(announcement.event.action),
    timestamp: sentAt.toISOString(),
    data: announcement.data,
  });
}
