import { MnemoApiError, MnemoConnectionError } from './errors.js';
import { backoffDelay, isRetryableStatus, parseRetryAfter, type RetryOptions } from './retry-policy.js';

export type FetchFunction = typeof fetch;
export type RequestBody = NonNullable<RequestInit['body']>;

export interface HttpClientOptions {
  /** Server root, e.g. http://127.0.0.1:5000; the native API lives under /api/v1 of it. */
  url: string;
  /** Where request paths start under the root: the native API's `/api/v1` unless given (`/api/2.0/mlflow`). */
  apiPrefix?: string;
  token?: string | undefined;
  retry: RetryOptions;
  fetch: FetchFunction;
  /**
   * Longest wait for the answer to a JSON request before it counts as lost and is retried (default 120 s); file
   * uploads and downloads are exempt.
   */
  timeoutMs?: number | undefined;
  sleep?: (ms: number) => Promise<void>;
}

/** A request body that can be produced again for each attempt (a stream can be read only once). */
export interface RawBody {
  contentType: string;
  open(): RequestBody;
}

export interface RequestOptions<T> {
  json?: unknown;
  raw?: RawBody;
  /**
   * Called before each retry of a request that is not safe to repeat blindly: when the earlier attempt turns out
   * to have taken effect (its answer was lost), this returns that result and nothing is sent again.
   */
  recover?: () => Promise<T | undefined>;
  /** Hand back the answer's bytes as they are instead of parsing JSON. */
  binary?: boolean;
}

/** The outcome of one attempt: an answer to hand back, or a failure that may or may not be worth retrying. */
type Attempt = { ok: true; body: unknown } | { ok: false; retryable: boolean; error: Error; retryAfterMs?: number };

const API_PREFIX = '/api/v1';
export const DEFAULT_TIMEOUT_MS = 120_000;

/**
 * Sends requests to the native API with the caller's token, turns `{error_code, message}` answers into
 * MnemoApiError, and repeats requests that failed on the network, with 429 or with a 5xx, backing off between tries.
 */
export class HttpClient {
  private readonly base: string;
  private readonly prefix: string;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly timeoutMs: number;

  constructor(private readonly options: HttpClientOptions) {
    const parsed = new URL(options.url);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      throw new TypeError(`Mnemo url must start with http:// or https://; got '${options.url}'`);
    }
    this.base = options.url.replace(/\/+$/, '');
    this.prefix = options.apiPrefix ?? API_PREFIX;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    if (!(this.timeoutMs > 0)) throw new RangeError(`request timeout must be positive; got ${options.timeoutMs}`);
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  get url(): string {
    return this.base;
  }

  async request<T>(method: string, path: string, options: RequestOptions<T> = {}): Promise<T> {
    const { attempts } = this.options.retry;
    let last: Attempt | undefined;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      if (attempt > 1) {
        await this.sleep(backoffDelay(attempt - 2, this.options.retry, last?.ok ? undefined : last?.retryAfterMs));
        if (options.recover) {
          let recovered: T | undefined;
          try {
            recovered = await options.recover();
          } catch {
            // Whether the earlier attempt took effect is unknown, so sending again could do it twice: ask again later.
            continue;
          }
          if (recovered !== undefined) return recovered;
        }
      }
      last = await this.attempt(method, path, options);
      if (last.ok) return last.body as T;
      if (!last.retryable) throw last.error;
    }
    const failure = last as Extract<Attempt, { ok: false }>;
    const summary = `${method} ${this.prefix}${path} failed after ${attempts} attempt${attempts === 1 ? '' : 's'}`;
    if (failure.error instanceof MnemoApiError) {
      const { status, errorCode, message } = failure.error;
      throw new MnemoApiError(status, errorCode, `${summary}: ${message}`, attempts);
    }
    throw new MnemoConnectionError(
      `${summary}: ${describeNetworkError(failure.error)}`,
      attempts,
      failure.error,
      this.base,
    );
  }

  private async attempt(method: string, path: string, options: RequestOptions<unknown>): Promise<Attempt> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.options.token) headers.authorization = `Bearer ${this.options.token}`;
    let body: RequestBody | undefined;
    if (options.raw) {
      headers['content-type'] = options.raw.contentType;
      body = options.raw.open();
    } else if (options.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.json);
    }
    let response: Response;
    let bytes: Uint8Array;
    try {
      // duplex 'half' lets a ReadableStream body (a streamed file) be sent; Node's fetch requires it for streams.
      const init: RequestInit & { duplex?: 'half' } = { method, headers, body, duplex: 'half' };
      // Moving a file may rightly take long; a JSON call that hangs is treated like a dropped connection.
      if (!options.raw && !options.binary) init.signal = AbortSignal.timeout(this.timeoutMs);
      response = await this.options.fetch(`${this.base}${this.prefix}${path}`, init);
      bytes = new Uint8Array(await response.arrayBuffer());
    } catch (error) {
      return { ok: false, retryable: true, error: error instanceof Error ? error : new Error(String(error)) };
    }
    if (response.ok && options.binary) return { ok: true, body: bytes };
    const text = new TextDecoder().decode(bytes);
    if (response.ok) return { ok: true, body: text === '' ? undefined : parseJson(text) };
    const error = apiError(response.status, text);
    const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
    return {
      ok: false,
      retryable: isRetryableStatus(response.status),
      error,
      ...(retryAfterMs ? { retryAfterMs } : {}),
    };
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** The server answers `{error_code, message}`; a proxy in between may answer anything, which is kept readable. */
function apiError(status: number, text: string): MnemoApiError {
  const parsed = parseJson(text);
  if (typeof parsed === 'object' && parsed !== null) {
    const { error_code, message } = parsed as { error_code?: unknown; message?: unknown };
    if (typeof error_code === 'string') {
      return new MnemoApiError(status, error_code, typeof message === 'string' ? message : error_code);
    }
  }
  const snippet = text.trim().slice(0, 200);
  return new MnemoApiError(status, `HTTP_${status}`, snippet === '' ? `HTTP ${status}` : `HTTP ${status}: ${snippet}`);
}

/** Node's fetch reports "fetch failed" and hides the reason (refused, reset, DNS) in `cause`. */
function describeNetworkError(error: Error): string {
  const cause = error.cause as { code?: unknown; message?: unknown } | undefined;
  const detail = typeof cause?.code === 'string' ? cause.code : typeof cause?.message === 'string' ? cause.message : '';
  return detail === '' ? error.message : `${error.message} (${detail})`;
}
