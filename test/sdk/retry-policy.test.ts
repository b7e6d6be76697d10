import { describe, expect, it } from 'vitest';
import {
  backoffDelay,
  checkRetryOptions,
  DEFAULT_RETRY,
  isRetryableStatus,
  parseRetryAfter,
  retryFromEnvironment,
} from '../../src/sdk/retry-policy.js';

const policy = { attempts: 5, baseDelayMs: 100, maxDelayMs: 1000 };

describe('retry policy', () => {
  it('doubles the ceiling with every retry up to maxDelayMs', () => {
    const ceilings = [0, 1, 2, 3, 4, 5].map((retry) => backoffDelay(retry, policy, undefined, () => 0.999_999));
    expect(ceilings).toEqual([99, 199, 399, 799, 999, 999]);
  });

  it('spreads delays uniformly below the ceiling (full jitter)', () => {
    expect(backoffDelay(3, policy, undefined, () => 0)).toBe(0);
    expect(backoffDelay(3, policy, undefined, () => 0.5)).toBe(400);
  });

  it('waits at least what Retry-After asks, but never longer than maxDelayMs', () => {
    expect(backoffDelay(0, policy, 600, () => 0)).toBe(600);
    expect(backoffDelay(0, policy, 60_000, () => 0)).toBe(1000);
  });

  it('reads Retry-After in seconds or as a date', () => {
    expect(parseRetryAfter('2')).toBe(2000);
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
    const now = Date.parse('2024-01-01T00:00:00Z');
    expect(parseRetryAfter('Mon, 01 Jan 2024 00:00:03 GMT', now)).toBe(3000);
  });

  it('retries overload and server faults only', () => {
    expect([429, 500, 502, 503, 504].every(isRetryableStatus)).toBe(true);
    expect([400, 401, 403, 404, 409, 413].some(isRetryableStatus)).toBe(false);
  });

  it('refuses nonsense settings', () => {
    expect(() => checkRetryOptions({ ...policy, attempts: 0 })).toThrow(RangeError);
    expect(() => checkRetryOptions({ ...policy, attempts: 1.5 })).toThrow(RangeError);
    expect(() => checkRetryOptions({ ...policy, baseDelayMs: 2000 })).toThrow(RangeError);
    expect(checkRetryOptions({ ...policy, attempts: 1 }).attempts).toBe(1);
  });

  it('takes retries and backoff from the environment, Mnemo names before MLflow names', () => {
    expect(retryFromEnvironment({})).toEqual(DEFAULT_RETRY);
    expect(retryFromEnvironment({ MNEMO_HTTP_REQUEST_MAX_RETRIES: '0' }).attempts).toBe(1);
    expect(retryFromEnvironment({ MLFLOW_HTTP_REQUEST_MAX_RETRIES: '7' }).attempts).toBe(8);
    expect(
      retryFromEnvironment({ MNEMO_HTTP_REQUEST_MAX_RETRIES: '2', MLFLOW_HTTP_REQUEST_MAX_RETRIES: '7' }).attempts,
    ).toBe(3);
    // An empty Mnemo setting leaves the MLflow one in force, as an unset one does.
    expect(
      retryFromEnvironment({ MNEMO_HTTP_REQUEST_MAX_RETRIES: '', MLFLOW_HTTP_REQUEST_MAX_RETRIES: '7' }).attempts,
    ).toBe(8);
    expect(retryFromEnvironment({ MNEMO_HTTP_REQUEST_BACKOFF_FACTOR: '0.05' })).toEqual({
      ...DEFAULT_RETRY,
      baseDelayMs: 50,
    });
    // MLflow's own default factor waits up to 2 s first; the cap grows with it when it must.
    expect(retryFromEnvironment({ MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR: '20' })).toEqual({
      ...DEFAULT_RETRY,
      baseDelayMs: 20_000,
      maxDelayMs: 20_000,
    });
  });

  it('refuses environment settings that are not numbers, naming the variable', () => {
    expect(() => retryFromEnvironment({ MNEMO_HTTP_REQUEST_MAX_RETRIES: 'many' })).toThrow(
      "MNEMO_HTTP_REQUEST_MAX_RETRIES must be a whole number of retries (0 for none); got 'many'",
    );
    for (const value of ['-1', '1.5', ' ']) {
      expect(() => retryFromEnvironment({ MLFLOW_HTTP_REQUEST_MAX_RETRIES: value })).toThrow(
        'MLFLOW_HTTP_REQUEST_MAX_RETRIES must be a whole number',
      );
    }
    for (const value of ['-0.5', 'fast', 'Infinity']) {
      expect(() => retryFromEnvironment({ MNEMO_HTTP_REQUEST_BACKOFF_FACTOR: value })).toThrow(
        `MNEMO_HTTP_REQUEST_BACKOFF_FACTOR must be a number of seconds; got '${value}'`,
      );
    }
  });
});
