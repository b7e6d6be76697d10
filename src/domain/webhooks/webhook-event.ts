import { invalid } from '../errors.js';

/**
 * What a webhook subscribes to: an entity and an action, as MLflow's webhooks.proto names them. Only the pairs MLflow
 * defines are valid (a registered model is `CREATED`, a model version tag is `SET` or `DELETED`, ...). The prompt
 * pairs are accepted so subscriptions made for an MLflow server keep working, though Mnemo has no prompts to fire them.
 * Mnemo's own events follow the same shape: `RUN.FINISHED|ANOMALY_FLAGGED`, `TRANSITION_REQUEST.CREATED|APPROVED|REJECTED`,
 * `MODEL_VERSION.STAGE_CHANGED|NEEDS_REVALIDATION`, `POLICY.FAILED`, `SAVED_SEARCH.NEW_RESULTS` (delivered as `run` /
 * `finished`, ...).
 */
export const VALID_ACTIONS = {
  REGISTERED_MODEL: ['CREATED'],
  MODEL_VERSION: ['CREATED', 'STAGE_CHANGED', 'NEEDS_REVALIDATION'],
  MODEL_VERSION_TAG: ['SET', 'DELETED'],
  MODEL_VERSION_ALIAS: ['CREATED', 'DELETED'],
  PROMPT: ['CREATED'],
  PROMPT_VERSION: ['CREATED'],
  PROMPT_TAG: ['SET', 'DELETED'],
  PROMPT_VERSION_TAG: ['SET', 'DELETED'],
  PROMPT_ALIAS: ['CREATED', 'DELETED'],
  RUN: ['FINISHED', 'ANOMALY_FLAGGED'],
  TRANSITION_REQUEST: ['CREATED', 'APPROVED', 'REJECTED'],
  POLICY: ['FAILED'],
  SAVED_SEARCH: ['NEW_RESULTS'],
} as const satisfies Record<string, readonly string[]>;

export type WebhookEntity = keyof typeof VALID_ACTIONS;
export type WebhookAction = (typeof VALID_ACTIONS)[WebhookEntity][number] | 'UPDATED';

export interface WebhookEvent {
  entity: WebhookEntity;
  action: WebhookAction;
}

const isEntity = (value: string): value is WebhookEntity => Object.hasOwn(VALID_ACTIONS, value);

/** One event as a client sent it, checked against MLflow's valid pairs. */
export function parseWebhookEvent(input: { entity: string; action: string }): WebhookEvent {
  const { entity, action } = input;
  if (!isEntity(entity)) {
    throw invalid(`Invalid webhook event entity '${entity}'; expected one of ${Object.keys(VALID_ACTIONS).join(', ')}`);
  }
  const actions: readonly string[] = VALID_ACTIONS[entity];
  if (!actions.includes(action)) {
    throw invalid(`Invalid action '${action}' for entity '${entity}'; valid actions are ${actions.join(', ')}`);
  }
  return { entity, action: action as WebhookAction };
}

/** A subscription list: at least one event, each valid; repeated events are kept once, in the order first given. */
export function parseWebhookEvents(input: readonly { entity: string; action: string }[]): WebhookEvent[] {
  if (input.length === 0) throw invalid('Webhook events cannot be empty');
  const seen = new Map<string, WebhookEvent>();
  for (const item of input) {
    const event = parseWebhookEvent(item);
    if (!seen.has(eventKey(event))) seen.set(eventKey(event), event);
  }
  return [...seen.values()];
}

/** `MODEL_VERSION.CREATED`: one string per event, for lookups. */
export const eventKey = (event: WebhookEvent): string => `${event.entity}.${event.action}`;

export const subscribes = (events: readonly WebhookEvent[], event: WebhookEvent): boolean =>
  events.some((e) => e.entity === event.entity && e.action === event.action);
