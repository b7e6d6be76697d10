import { invalid } from '../errors.js';
import type { RequestStatus } from './approvals/transition-request.js';

/** At most this many versions are summarised by one status read: each costs a policy evaluation per target. */
export const MAX_STATUS_VERSIONS = 100;

/** Key-metric columns shown beside a model's versions. */
export const MAX_KEY_METRICS = 4;

/**
 * The `versions` query of a status read: version numbers separated by commas, each a positive integer, at most
 * MAX_STATUS_VERSIONS of them. Duplicates count once; the order is ascending.
 */
export function parseVersionList(text: string): number[] {
  const parts = text.split(',').map((part) => part.trim());
  if (parts.some((part) => !/^[1-9][0-9]{0,8}$/.test(part))) {
    throw invalid(`versions must be positive version numbers separated by commas; got '${text.slice(0, 100)}'`);
  }
  const numbers = [...new Set(parts.map(Number))].sort((a, b) => a - b);
  if (numbers.length > MAX_STATUS_VERSIONS) {
    throw invalid(`versions names ${numbers.length} versions; at most ${MAX_STATUS_VERSIONS} are read at once`);
  }
  return numbers;
}

/**
 * The metrics a model's versions are compared on, when the model names none: the keys most of the versions' source
 * runs logged (so a column is filled for as many rows as possible), ties broken by name, at most `limit`, then sorted
 * by name so columns keep their place as versions come and go. Only metrics the caller may read are to be given.
 */
export function pickKeyMetrics(
  metricKeysPerVersion: readonly (readonly string[])[],
  limit = MAX_KEY_METRICS,
): string[] {
  const counts = new Map<string, number>();
  for (const keys of metricKeysPerVersion) {
    for (const key of new Set(keys)) counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts.entries()]
    .sort(([a, countA], [b, countB]) => countB - countA || compareText(a, b))
    .slice(0, limit)
    .map(([key]) => key)
    .sort(compareText);
}

/** One transition request of a version, as far as its state on the versions table goes. */
export interface RequestSummary {
  id: string;
  status: RequestStatus;
  creationTime: number;
  expiryTime: number;
}

/**
 * The request that tells where a version's approval stands: its newest pending one (an open question outranks any
 * past answer), else its newest request of any status; undefined when it has none. A pending request past its expiry
 * reads as expired, whether or not the server has yet written that down.
 */
export function standingRequest<T extends RequestSummary>(
  requests: readonly T[],
  now: number,
): (T & { status: RequestStatus }) | undefined {
  const current = requests.map((r) =>
    r.status === 'pending' && r.expiryTime <= now ? { ...r, status: 'expired' as const } : r,
  );
  const newest = (list: typeof current) =>
    list.reduce<(typeof current)[number] | undefined>(
      (best, r) =>
        best === undefined ||
        r.creationTime > best.creationTime ||
        (r.creationTime === best.creationTime && r.id > best.id)
          ? r
          : best,
      undefined,
    );
  return newest(current.filter((r) => r.status === 'pending')) ?? newest(current);
}

const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
