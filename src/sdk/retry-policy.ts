/** How often and how patiently the SDK repeats a request that failed for a reason that may pass. */
export interface RetryOptions {
  /** Total tries, the first included; 1 means no retry. */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryOptions = { attempts: 5, baseDelayMs: 250, maxDelayMs: 10_000 };

type Environment = Readonly<Record<string, string | undefined>>;

/**
 * DEFAULT_RETRY as the environment adjusts it, named as MLflow's client names it so a shell set up for MLflow works
 * unchanged: `MNEMO_HTTP_REQUEST_MAX_RETRIES` (retries after the first try; 0 for none) and
 * `MNEMO_HTTP_REQUEST_BACKOFF_FACTOR` (seconds the first retry waits at most, doubling for each next one), each read
 * from `MLFLOW_HTTP_REQUEST_…` when the Mnemo name is unset. A value that is not a number is refused, not ignored.
 */
export function retryFromEnvironment(
  env: Environment = typeof process === 'undefined' ? {} : process.env,
): RetryOptions {
  const retries = setting(env, 'HTTP_REQUEST_MAX_RETRIES');
  const factor = setting(env, 'HTTP_REQUEST_BACKOFF_FACTOR');
  const options = { ...DEFAULT_RETRY };
  if (retries !== undefined) {
    const count = Number(retries.value);
    if (retries.value.trim() === '' || !Number.isInteger(count) || count < 0) {
      throw new RangeError(`${retries.name} must be a whole number of retries (0 for none); got '${retries.value}'`);
    }
    options.attempts = count + 1;
  }
  if (factor !== undefined) {
    const seconds = Number(factor.value);
    if (factor.value.trim() === '' || !Number.isFinite(seconds) || seconds < 0) {
      throw new RangeError(`${factor.name} must be a number of seconds; got '${factor.value}'`);
    }
    options.baseDelayMs = seconds * 1000;
    options.maxDelayMs = Math.max(options.maxDelayMs, options.baseDelayMs);
  }
  return options;
}

function setting(env: Environment, suffix: string): { name: string; value: string } | undefined {
  for (const name of [`MNEMO_${suffix}`, `MLFLOW_${suffix}`]) {
    const value = env[name];
    if (value !== undefined && value !== '') return { name, value };
  }
  return undefined;
}

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
