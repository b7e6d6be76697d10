import { invalid } from '../errors.js';

/** MLflow's limits, kept so scripts that work there work here and nothing larger sneaks in. */
export const LIMITS = {
  keyLength: 250,
  paramValueLength: 6000,
  tagValueLength: 8000,
  experimentNameLength: 500,
  runNameLength: 250,
  batchMetrics: 10_000,
  batchParams: 1000,
  batchTags: 1000,
} as const;

// Same alphabet MLflow accepts for keys: it keeps keys usable as file names and filter identifiers.
const KEY_PATTERN = /^[\w\-. /:]+$/u;

export function validateKey(key: string, field: string): void {
  if (key.length === 0) throw invalid(`${field} must not be empty`);
  if (key.length > LIMITS.keyLength) {
    throw invalid(`${field} '${key.slice(0, 40)}…' is ${key.length} characters; the limit is ${LIMITS.keyLength}`);
  }
  if (!KEY_PATTERN.test(key)) {
    throw invalid(
      `${field} '${key}' may only contain alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), colons (:) and slashes (/)`,
    );
  }
  if (key.split('/').some((part) => part === '..' || part === '.')) {
    throw invalid(`${field} '${key}' must not contain '.' or '..' path segments`);
  }
  if (key.startsWith('/')) throw invalid(`${field} '${key}' must not start with '/'`);
}

export function validateLength(value: string, limit: number, field: string): void {
  if (value.length > limit) throw invalid(`${field} is ${value.length} characters; the limit is ${limit}`);
}
