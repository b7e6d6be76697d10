import { HttpClient } from './http-client.js';
import { apiPath } from './url-path.js';

/** Typed access to webhooks (MLflow 3's API, with Mnemo's owners, scopes and delivery log) and to the inbox. */

export interface WebhookEventName {
  entity: string;
  action: string;
}

export interface Webhook {
  webhook_id: string;
  name: string;
  description?: string;
  url: string;
  events: WebhookEventName[];
  status: 'ACTIVE' | 'DISABLED';
  creation_timestamp: number;
  last_updated_timestamp: number;
  owner_id?: string;
  model_name?: string;
  experiment_id?: string;
}

export interface WebhookInput {
  name?: string;
  url?: string;
  events?: WebhookEventName[];
  description?: string;
  secret?: string;
  status?: 'ACTIVE' | 'DISABLED';
  /** Only events about this registered model. */
  model_name?: string;
  /** Only events about this experiment. */
  experiment_id?: string;
  /** Owner by principal name (administrators only). */
  owner?: string;
}

export interface WebhookTestResult {
  success: boolean;
  response_status?: number;
  response_body?: string;
  error_message?: string;
}

export interface WebhookDelivery {
  delivery_id: string;
  webhook_id: string;
  event_id: string;
  event: string;
  status: 'PENDING' | 'SUCCEEDED' | 'FAILED';
  attempts: number;
  last_status_code: number | null;
  last_error: string | null;
  next_attempt_timestamp: number | null;
  creation_timestamp: number;
  finished_timestamp: number | null;
  attempt_log: {
    attempt: number;
    timestamp: number;
    status_code: number | null;
    error: string | null;
    duration_ms: number;
  }[];
}

export interface NotificationItem {
  id: string;
  kind: string;
  subject: string;
  body: string;
  link: string | null;
  resource: { kind: string; name: string; version?: number } | null;
  createdAt: number;
  readAt: number | null;
}

export interface ClientOptions {
  url: string;
  token?: string | undefined;
  fetch?: typeof fetch;
}

/** One attempt per call: creating a webhook again after a lost answer would make a second one. */
const ONCE = { attempts: 1, baseDelayMs: 0, maxDelayMs: 0 };

export class WebhooksClient {
  private readonly http: HttpClient;

  constructor(options: ClientOptions) {
    this.http = new HttpClient({
      url: options.url,
      token: options.token,
      retry: ONCE,
      fetch: options.fetch ?? fetch,
      apiPrefix: '/api/2.0/mlflow',
    });
  }

  async list(): Promise<Webhook[]> {
    const all: Webhook[] = [];
    let pageToken: string | undefined;
    do {
      const query = pageToken ? `?page_token=${encodeURIComponent(pageToken)}` : '';
      const page = await this.http.request<{ webhooks?: Webhook[]; next_page_token?: string }>(
        'GET',
        `/webhooks${query}`,
      );
      all.push(...(page.webhooks ?? []));
      pageToken = page.next_page_token;
    } while (pageToken);
    return all;
  }

  async get(webhookId: string): Promise<Webhook> {
    return (await this.http.request<{ webhook: Webhook }>('GET', apiPath`/webhooks/${webhookId}`)).webhook;
  }

  async create(input: WebhookInput & { name: string; url: string; events: WebhookEventName[] }): Promise<Webhook> {
    return (await this.http.request<{ webhook: Webhook }>('POST', '/webhooks', { json: input })).webhook;
  }

  async update(webhookId: string, input: WebhookInput): Promise<Webhook> {
    return (await this.http.request<{ webhook: Webhook }>('PATCH', apiPath`/webhooks/${webhookId}`, { json: input }))
      .webhook;
  }

  async delete(webhookId: string): Promise<void> {
    await this.http.request('DELETE', apiPath`/webhooks/${webhookId}`);
  }

  /** Sends the example payload of an event (the webhook's first when none is named) and reports the answer. */
  async test(webhookId: string, event?: WebhookEventName): Promise<WebhookTestResult> {
    return (
      await this.http.request<{ result: WebhookTestResult }>('POST', apiPath`/webhooks/${webhookId}/test`, {
        json: event ? { event } : {},
      })
    ).result;
  }

  /** The webhook's delivery log, newest first. */
  async deliveries(
    webhookId: string,
    options: { status?: 'PENDING' | 'SUCCEEDED' | 'FAILED'; maxResults?: number } = {},
  ): Promise<WebhookDelivery[]> {
    const query = new URLSearchParams();
    if (options.status) query.set('status', options.status);
    if (options.maxResults) query.set('max_results', String(options.maxResults));
    const suffix = query.size > 0 ? `?${query}` : '';
    return (
      await this.http.request<{ deliveries: WebhookDelivery[] }>(
        'GET',
        `${apiPath`/webhooks/${webhookId}/deliveries`}${suffix}`,
      )
    ).deliveries;
  }
}

export class NotificationsClient {
  private readonly http: HttpClient;

  constructor(options: ClientOptions) {
    this.http = new HttpClient({ url: options.url, token: options.token, retry: ONCE, fetch: options.fetch ?? fetch });
  }

  list(options: { unreadOnly?: boolean } = {}): Promise<{ notifications: NotificationItem[]; unreadCount: number }> {
    return this.http.request('GET', `/notifications${options.unreadOnly ? '?unread=true' : ''}`);
  }

  async unreadCount(): Promise<number> {
    return (await this.http.request<{ unreadCount: number }>('GET', '/notifications/unread-count')).unreadCount;
  }

  markRead(ids: string[] | 'all'): Promise<{ marked: number; unreadCount: number }> {
    return this.http.request('POST', '/notifications/mark-read', { json: ids === 'all' ? { all: true } : { ids } });
  }
}
