/** How often and how patiently the SDK repeats a request that failed for a reason that may pass. */
export interface RetryOptions {
  /** Total tries, the first included; 1 means no retry. */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryOptions = { attempts: 5, baseDelayMs: 250, maxDelayMs: 10_000 };

export function checkRetryOptions(options: RetryOptions): RetryOptions {
  if (!Number.isInteger(options.attempts) || options.attempts < 1) {
    throw new RangeError(`retry.attempts must be an integer of at least 1; got ${options.attempts}`);
  }
  if (!(options.baseDelayMs >= 0) || !(options.maxDelayMs >= options.baseDelayMs)) {
    throw new RangeError('retry delays must satisfy 0 <= baseDelayMs <= maxDelayMs');
  }
  return options;
}

/** Overload and server faults may pass; every other 4xx means the request itself is wrong and will stay wrong. */
export const isRetryableStatus = (status: number): boolean => status === 429 || status >= 500;

/**
 * Delay before retry number `retry` (0 for the first retry): exponential growth capped at maxDelayMs, with "full
 * jitter" (uniform between 0 and the cap) so many clients failing together do not retry in lockstep. A server's
 * Retry-After is honoured as a floor, still within maxDelayMs.
 */
export function backoffDelay(
  retry: number,
  options: RetryOptions,
  retryAfterMs: number | undefined = undefined,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** retry);
  const jittered = Math.floor(random() * ceiling);
  return Math.min(options.maxDelayMs, Math.max(jittered, retryAfterMs ?? 0));
}

/** Reads a Retry-After header given in seconds or as an HTTP date; anything else is ignored. */
export function parseRetryAfter(header: string | null, now: number = Date.now()): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
