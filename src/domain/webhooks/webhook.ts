import { invalid } from '../errors.js';
import type { WebhookEvent } from './webhook-event.js';

export type WebhookStatus = 'ACTIVE' | 'DISABLED';

/** A webhook subscription as the API shows it: its secret never leaves the server. */
export interface Webhook {
  webhookId: string;
  name: string;
  description: string | null;
  url: string;
  events: WebhookEvent[];
  status: WebhookStatus;
  creationTime: number;
  lastUpdatedTime: number;
  /**
   * Mnemo's additions, present only when set (so webhooks made before them keep the state their audit events
   * recorded): the owner events are filtered for, and the one model or experiment the webhook is about.
   */
  ownerId?: string;
  modelName?: string;
  experimentId?: string;
}

export function parseWebhookStatus(value: string): WebhookStatus {
  if (value === 'ACTIVE' || value === 'DISABLED') return value;
  throw invalid(`Invalid webhook status '${value}'; expected ACTIVE or DISABLED`);
}

export function validateWebhookName(name: string): string {
  if (name.trim() === '') throw invalid('Webhook name cannot be empty');
  return name;
}

/** Deliveries are HTTP POSTs: an absolute http(s) URL with a host, nothing else (no file:, no javascript:). */
export function validateWebhookUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalid(`Invalid webhook URL '${url}': it is not an absolute URL`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw invalid(`Invalid webhook URL '${url}': the scheme must be http or https`);
  }
  if (parsed.hostname === '') throw invalid(`Invalid webhook URL '${url}': it names no host`);
  return url;
}
